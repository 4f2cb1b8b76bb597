using Microsoft.Extensions.AI;

namespace ThreadSync.Hosting.Endpoints.Anthropic;

/// <summary>An Anthropic Messages request translated into the normalized model, plus whether to stream.</summary>
internal sealed record ParsedMessagesRequest(IList<ChatMessage> Messages, ChatOptions Options, bool Stream);
