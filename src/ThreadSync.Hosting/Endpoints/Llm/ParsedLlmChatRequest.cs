using Microsoft.Extensions.AI;

namespace ThreadSync.Hosting.Endpoints.Llm;

/// <summary>A normalized chat request, translated, plus the request-level flags the gateway context carries.</summary>
internal sealed record ParsedLlmChatRequest(IList<ChatMessage> Messages, ChatOptions Options, bool Stream, bool AutoRoute, string? ConversationId);
