using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Providers.Anthropic.Wire;
using ThreadSync.Gateway.Providers.Internal;

namespace ThreadSync.Gateway.Providers.Anthropic;

/// <summary>Maps Anthropic message payloads (providers.md §1.3, §6.2–6.3) onto the normalized model.</summary>
internal static class AnthropicResponseReader
{
    public static ChatResponse ToChatResponse(AnthropicMessagePayload payload)
    {
        ProviderErrorParser.ThrowIfError(GatewayProvider.Anthropic, payload.Error, ProviderFailureKind.HttpError);
        var contents = new List<AIContent>();
        foreach (var block in payload.Content ?? [])
        {
            if (ToContent(block) is { } content)
            {
                contents.Add(content);
            }
        }

        if (payload.StopReason == "refusal" && Refusal(payload.StopDetails) is { } refusal)
        {
            contents.Add(refusal);
        }

        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, contents))
        {
            ResponseId = payload.Id,
            ModelId = payload.Model,
            FinishReason = MapFinishReason(payload.StopReason),
            Usage = payload.Usage is { } usage ? ToUsage(usage) : null,
        };
        AddFinishDetails(response.AdditionalProperties ??= [], payload.StopReason, payload.StopSequence);
        return response;
    }

    /// <summary>Normalizes a block; null for block types the gateway does not surface (server tool results, say).</summary>
    public static AIContent? ToContent(AnthropicContentBlockPayload block) => block.Type switch
    {
        "text" => new TextContent(block.Text ?? string.Empty),
        "thinking" => new TextReasoningContent(block.Thinking ?? string.Empty) { ProtectedData = block.Signature },
        "redacted_thinking" => new TextReasoningContent(string.Empty)
        {
            ProtectedData = block.Data,
            AdditionalProperties = new() { [GatewayContentKeys.RedactedThinking] = true },
        },
        "tool_use" => block.Input is { } input
            ? ToolCallArguments.ToCallContent(block.Id ?? string.Empty, block.Name ?? string.Empty, input)
            : ToolCallArguments.ToCallContent(block.Id ?? string.Empty, block.Name ?? string.Empty, (string?)null),
        _ => null,
    };

    /// <summary>The refusal's explanation as refusal content; null when Anthropic gave none (no text is invented).</summary>
    public static ErrorContent? Refusal(AnthropicStopDetailsPayload? details) =>
        string.IsNullOrEmpty(details?.Explanation)
            ? null
            : new(details.Explanation) { ErrorCode = GatewayContentKeys.RefusalErrorCode, Details = details.Category };

    public static ChatFinishReason? MapFinishReason(string? raw) => raw switch
    {
        null => null,
        "end_turn" or "stop_sequence" => ChatFinishReason.Stop,
        "max_tokens" or "model_context_window_exceeded" => ChatFinishReason.Length,
        "tool_use" => ChatFinishReason.ToolCalls,
        "refusal" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason("other"),
    };

    public static void AddFinishDetails(AdditionalPropertiesDictionary properties, string? stopReason, string? stopSequence)
    {
        if (stopReason is not null)
        {
            properties[GatewayContentKeys.FinishReasonRaw] = stopReason;
        }

        if (stopSequence is not null)
        {
            properties[GatewayContentKeys.StopSequence] = stopSequence;
        }
    }

    /// <summary>Anthropic reports uncached input apart from cache reads and writes; the normalized input is their sum.</summary>
    public static UsageDetails ToUsage(AnthropicUsagePayload usage)
    {
        var uncached = usage.InputTokens ?? 0;
        var cacheWrite = usage.CacheCreationInputTokens ?? 0;
        var cacheRead = usage.CacheReadInputTokens ?? 0;
        var input = uncached + cacheWrite + cacheRead;
        var output = usage.OutputTokens ?? 0;
        var details = new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = output,
            TotalTokenCount = input + output,
            CachedInputTokenCount = cacheRead,
            ReasoningTokenCount = usage.OutputTokensDetails?.ThinkingTokens,
        };

        if (cacheWrite > 0)
        {
            (details.AdditionalCounts ??= [])[UsageKeys.CacheWriteInputTokens] = cacheWrite;
        }

        return details;
    }
}
