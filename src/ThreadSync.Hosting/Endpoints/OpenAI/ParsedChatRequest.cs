using Microsoft.Extensions.AI;

namespace ThreadSync.Hosting.Endpoints.OpenAI;

/// <summary>An OpenAI request translated into the normalized model, plus the streaming flags that shape the reply.</summary>
internal sealed record ParsedChatRequest(IList<ChatMessage> Messages, ChatOptions Options, bool Stream, bool IncludeUsage, bool AutoRoute, string? ConversationId);
