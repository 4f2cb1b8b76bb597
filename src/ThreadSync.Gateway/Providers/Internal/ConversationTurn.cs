using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway.Providers.Internal;

/// <summary>One turn of a two-role conversation (user or assistant), as Anthropic and Gemini require it.</summary>
/// <param name="IsAssistant">Whether the assistant (Gemini: <c>model</c>) spoke, rather than the user.</param>
/// <param name="Contents">The turn's contents; tool results first in a user turn.</param>
internal sealed record ConversationTurn(bool IsAssistant, List<AIContent> Contents);
