using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Providers.Internal;
using ThreadSync.Gateway.Providers.OpenAICompatible.Wire;

namespace ThreadSync.Gateway.Providers.OpenAICompatible;

/// <summary>Maps OpenAI-compatible response payloads onto the normalized Microsoft.Extensions.AI model.</summary>
internal static class OpenAICompatibleResponseReader
{
    public static ChatResponse ToChatResponse(ChatCompletionPayload payload, OpenAICompatibleDialect dialect)
    {
        ProviderErrorParser.ThrowIfError(dialect.Provider, payload.Error, ProviderFailureKind.HttpError);
        var choice = payload.Choices is { Count: > 0 } choices ? choices[0] : null;
        var message = choice?.Message;
        var contents = new List<AIContent>();

        if (!string.IsNullOrEmpty(message?.ReasoningContent))
        {
            contents.Add(new TextReasoningContent(message.ReasoningContent));
        }

        var text = message?.Content;
        if (dialect.StripThinkPrefix && text is not null)
        {
            var splitter = new ThinkTagSplitter();
            splitter.Feed(text);
            splitter.Complete();
            if (splitter.TakeReasoning() is { Length: > 0 } reasoning)
            {
                contents.Add(new TextReasoningContent(reasoning));
            }

            text = splitter.TakeContent();
        }

        var textContent = new TextContent(text ?? string.Empty);
        AddCitations(textContent, payload);
        contents.Add(textContent);

        if (!string.IsNullOrEmpty(message?.Refusal))
        {
            contents.Add(new ErrorContent(message.Refusal) { ErrorCode = GatewayContentKeys.RefusalErrorCode });
        }

        foreach (var call in message?.ToolCalls ?? [])
        {
            contents.Add(ToolCallArguments.ToCallContent(call.Id ?? string.Empty, call.Function?.Name ?? string.Empty, call.Function?.Arguments));
        }

        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, contents))
        {
            ResponseId = payload.Id,
            ModelId = payload.Model,
            CreatedAt = payload.Created is { } created ? DateTimeOffset.FromUnixTimeSeconds(created) : null,
            FinishReason = MapFinishReason(choice?.FinishReason, message?.ToolCalls is { Count: > 0 }),
            Usage = payload.Usage is { } usage ? ToUsage(usage, dialect) : null,
        };
        if (choice?.FinishReason is { } raw)
        {
            (response.AdditionalProperties ??= [])[GatewayContentKeys.FinishReasonRaw] = raw;
        }

        return response;
    }

    /// <summary>
    /// Maps a finish reason. An answer holding tool calls finishes with <c>tool_calls</c> whatever the provider said:
    /// OpenAI says <c>stop</c> when <c>tool_choice</c> forced a named function, and agent loops that wait for
    /// <c>tool_calls</c> (or Anthropic's <c>tool_use</c>) would otherwise stop silently. The raw value is kept apart.
    /// </summary>
    public static ChatFinishReason? MapFinishReason(string? raw, bool hasToolCalls) => raw switch
    {
        null => null,
        "stop" when hasToolCalls => ChatFinishReason.ToolCalls,
        "stop" => ChatFinishReason.Stop,
        "length" => ChatFinishReason.Length,
        "tool_calls" or "function_call" => ChatFinishReason.ToolCalls,
        "content_filter" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(raw),
    };

    public static UsageDetails ToUsage(UsagePayload usage, OpenAICompatibleDialect dialect)
    {
        var prompt = usage.PromptTokens ?? 0;
        var cached = usage.PromptTokensDetails?.CachedTokens ?? 0;
        var completion = usage.CompletionTokens ?? 0;
        var reasoning = usage.CompletionTokensDetails?.ReasoningTokens ?? usage.ReasoningTokens ?? 0;

        // xAI counts cached tokens inside prompt_tokens as a rule; guard against the reported exception.
        var input = cached > prompt ? prompt + cached : prompt;
        var output = dialect.ReasoningTokensOutsideCompletion ? completion + reasoning : completion;

        var details = new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = output,
            TotalTokenCount = input + output,
            CachedInputTokenCount = cached,
            ReasoningTokenCount = reasoning,
        };

        if (usage.PromptTokensDetails?.CacheWriteTokens is > 0 and var written)
        {
            (details.AdditionalCounts ??= [])[UsageKeys.CacheWriteInputTokens] = written;
        }

        long? providerNanoUsd = usage.CostInUsdTicks is { } ticks ? ticks / 10 : null;
        if (usage.Cost?.TotalCost is { } totalCost)
        {
            providerNanoUsd = (long)decimal.Round(totalCost * 1_000_000_000m);
        }

        if (providerNanoUsd is { } nano)
        {
            (details.AdditionalCounts ??= [])[UsageKeys.ProviderCostNanoUsd] = nano;
        }

        return details;
    }

    public static void AddCitations(AIContent target, ChatCompletionPayload payload)
    {
        if (payload.Citations is not { Count: > 0 } && payload.SearchResults is not { Count: > 0 })
        {
            return;
        }

        target.Annotations ??= [];
        foreach (var url in payload.Citations ?? [])
        {
            target.Annotations.Add(new CitationAnnotation
            {
                Url = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null,
                AdditionalProperties = new() { [GatewayContentKeys.CitationKind] = GatewayContentKeys.CitationKindCitation, [GatewayContentKeys.CitationUrl] = url },
            });
        }

        foreach (var result in payload.SearchResults ?? [])
        {
            var properties = new AdditionalPropertiesDictionary { [GatewayContentKeys.CitationKind] = GatewayContentKeys.CitationKindSearchResult, [GatewayContentKeys.CitationUrl] = result.Url };
            if (result.Date is not null)
            {
                properties["date"] = result.Date;
            }

            if (result.LastUpdated is not null)
            {
                properties["last_updated"] = result.LastUpdated;
            }

            if (result.Source is not null)
            {
                properties["source"] = result.Source;
            }

            target.Annotations.Add(new CitationAnnotation
            {
                Title = result.Title,
                Url = Uri.TryCreate(result.Url, UriKind.Absolute, out var uri) ? uri : null,
                Snippet = result.Snippet,
                AdditionalProperties = properties,
            });
        }
    }
}
