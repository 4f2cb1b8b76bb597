using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway.Providers.Internal;

/// <summary>
/// Reshapes a normalized conversation for providers with a top-level system prompt and only two roles
/// (Anthropic, Gemini): system messages join the system prompt, tool results become user turns, and
/// consecutive turns of the same role merge into one, tool results leading (Anthropic requires that order).
/// </summary>
internal static class ConversationTurns
{
    /// <summary>Joins system blocks into one prompt, a blank line apart, for providers that take a single system text.</summary>
    public static string? JoinSystem(List<TextContent> system) => system.Count switch
    {
        0 => null,
        1 => system[0].Text,
        _ => string.Join("\n\n", system.Select(static s => s.Text)),
    };

    /// <summary>Builds the turns, keeping only contents <paramref name="isSent"/> says the provider will receive, so no turn ends up empty.</summary>
    public static (List<TextContent> System, List<ConversationTurn> Turns) Build(
        IEnumerable<ChatMessage> messages,
        string? instructions,
        ProviderTransport transport,
        Func<AIContent, bool, bool> isSent)
    {
        // System text stays in blocks: Anthropic can mark a block as a prompt-cache breakpoint.
        var system = new List<TextContent>();
        if (!string.IsNullOrEmpty(instructions))
        {
            system.Add(new TextContent(instructions));
        }

        var turns = new List<ConversationTurn>();
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System)
            {
                foreach (var content in message.Contents)
                {
                    if (content is TextContent { Text.Length: > 0 } text)
                    {
                        system.Add(text);
                    }
                }

                continue;
            }

            var isAssistant = message.Role == ChatRole.Assistant;
            if (!isAssistant && message.Role != ChatRole.User && message.Role != ChatRole.Tool)
            {
                throw transport.Unsupported($"Message role '{message.Role.Value}' is not supported by provider '{transport.Provider.ToWireId()}'.");
            }

            List<AIContent>? contents = null;
            foreach (var content in message.Contents)
            {
                // Usage, refusals and other output-only content, and empty text, are not conversation.
                if (content is UsageContent or ErrorContent || (content is TextContent { Text.Length: 0 }) || !isSent(content, isAssistant))
                {
                    continue;
                }

                if (contents is null)
                {
                    if (turns.Count == 0 || turns[^1].IsAssistant != isAssistant)
                    {
                        turns.Add(new ConversationTurn(isAssistant, new List<AIContent>(message.Contents.Count)));
                    }

                    contents = turns[^1].Contents;
                }

                if (content is FunctionResultContent && !isAssistant)
                {
                    // Tool results lead the user turn, after any earlier tool results.
                    var at = 0;
                    while (at < contents.Count && contents[at] is FunctionResultContent)
                    {
                        at++;
                    }

                    contents.Insert(at, content);
                }
                else
                {
                    contents.Add(content);
                }
            }
        }

        return (system, turns);
    }
}
