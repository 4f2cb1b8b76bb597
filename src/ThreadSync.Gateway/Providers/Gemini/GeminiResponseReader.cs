using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Providers.Gemini.Wire;
using ThreadSync.Gateway.Providers.Internal;

namespace ThreadSync.Gateway.Providers.Gemini;

/// <summary>Maps Gemini responses (providers.md §3.3, §6.2–6.3) onto the normalized model.</summary>
internal static class GeminiResponseReader
{
    public static ChatResponse ToChatResponse(GeminiResponsePayload payload)
    {
        ProviderErrorParser.ThrowIfError(GatewayProvider.Gemini, payload.Error, ProviderFailureKind.HttpError);
        var contents = new List<AIContent>();
        var candidate = payload.Candidates is { Count: > 0 } candidates ? candidates[0] : null;
        var hasCalls = AddParts(contents, candidate);
        var raw = candidate?.FinishReason;
        if (candidate is null && payload.PromptFeedback?.BlockReason is { } blockReason)
        {
            raw = blockReason;
            contents.Add(Blocked(blockReason));
        }

        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, contents))
        {
            ResponseId = payload.ResponseId,
            ModelId = payload.ModelVersion,
            FinishReason = candidate is null && raw is not null ? ChatFinishReason.ContentFilter : MapFinishReason(raw, hasCalls),
            Usage = payload.UsageMetadata is { } usage ? ToUsage(usage) : null,
        };
        if (raw is not null)
        {
            (response.AdditionalProperties ??= [])[GatewayContentKeys.FinishReasonRaw] = raw;
        }

        return response;
    }

    /// <summary>Adds a candidate's parts; returns whether any was a function call.</summary>
    public static bool AddParts(List<AIContent> contents, GeminiCandidatePayload? candidate)
    {
        var hasCalls = false;
        foreach (var part in candidate?.Content?.Parts ?? [])
        {
            if (part.FunctionCall is { } call)
            {
                hasCalls = true;
                contents.Add(ToCallContent(call, part.ThoughtSignature));
            }
            else if (!string.IsNullOrEmpty(part.Text))
            {
                contents.Add(part.Thought == true ? new TextReasoningContent(part.Text) : new TextContent(part.Text));
            }
        }

        return hasCalls;
    }

    public static ErrorContent Blocked(string blockReason) =>
        new($"The prompt was blocked by the provider's safety system ({blockReason}).") { ErrorCode = GatewayContentKeys.RefusalErrorCode, Details = blockReason };

    public static ChatFinishReason? MapFinishReason(string? raw, bool hasFunctionCalls) => raw switch
    {
        null => null,
        "STOP" => hasFunctionCalls ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
        "MAX_TOKENS" => ChatFinishReason.Length,
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or "LANGUAGE"
            or "IMAGE_SAFETY" or "IMAGE_PROHIBITED_CONTENT" or "IMAGE_RECITATION" => ChatFinishReason.ContentFilter,
        "MALFORMED_FUNCTION_CALL" or "UNEXPECTED_TOOL_CALL" or "TOO_MANY_TOOL_CALLS" => new ChatFinishReason("error"),
        _ => new ChatFinishReason("other"),
    };

    /// <summary>Gemini's prompt count includes cache reads; visible output excludes thoughts, which are billed as output too.</summary>
    public static UsageDetails ToUsage(GeminiUsagePayload usage)
    {
        var input = (usage.PromptTokenCount ?? 0) + (usage.ToolUsePromptTokenCount ?? 0);
        var thoughts = usage.ThoughtsTokenCount ?? 0;
        var output = (usage.CandidatesTokenCount ?? 0) + thoughts;
        return new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = output,
            TotalTokenCount = input + output,
            CachedInputTokenCount = usage.CachedContentTokenCount ?? 0,
            ReasoningTokenCount = thoughts,
        };
    }

    private static FunctionCallContent ToCallContent(GeminiFunctionCallPayload call, string? signature)
    {
        // Gemini rarely sends call ids; the gateway makes one so tool results can be matched, by name, on the way back.
        var id = string.IsNullOrEmpty(call.Id) ? NewCallId() : call.Id;
        var content = call.Args is { } args
            ? ToolCallArguments.ToCallContent(id, call.Name ?? string.Empty, args)
            : ToolCallArguments.ToCallContent(id, call.Name ?? string.Empty, (string?)null);
        if (!string.IsNullOrEmpty(signature))
        {
            (content.AdditionalProperties ??= [])[GeminiRequestWriter.ThoughtSignatureKey] = signature;
        }

        if (!string.IsNullOrEmpty(call.Id))
        {
            (content.AdditionalProperties ??= [])[GeminiRequestWriter.ProviderCallIdKey] = true;
        }

        return content;
    }

    private static string NewCallId() => string.Create(29, 0, static (span, _) =>
    {
        "call_".AsSpan().CopyTo(span);
        Random.Shared.GetItems("0123456789abcdef", span[5..]);
    });
}
