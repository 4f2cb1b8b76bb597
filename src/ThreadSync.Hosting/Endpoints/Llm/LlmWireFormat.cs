using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Endpoints.Llm;

/// <summary>Pieces of the normalized response shape shared by complete responses and stream events.</summary>
internal static class LlmWireFormat
{
    /// <summary>Writes <c>usage</c>: <c>tokens_in</c> (all input), <c>tokens_out</c> (all output), <c>cost_usd</c>, and the optional details when non-zero.</summary>
    public static void WriteUsageObject(Utf8JsonWriter writer, GatewayUsage usage)
    {
        writer.WriteStartObject();
        writer.WriteNumber("tokens_in", usage.InputTokens);
        writer.WriteNumber("tokens_out", usage.OutputTokens);
        writer.WriteNumber("cost_usd", decimal.Round(usage.CostUsd, 10));
        if (usage.CachedInputTokens > 0)
        {
            writer.WriteNumber("cached_tokens_in", usage.CachedInputTokens);
        }

        if (usage.CacheWriteInputTokens > 0)
        {
            writer.WriteNumber("cache_write_tokens_in", usage.CacheWriteInputTokens);
        }

        if (usage.ReasoningTokens > 0)
        {
            writer.WriteNumber("reasoning_tokens", usage.ReasoningTokens);
        }

        if (usage.ProviderReportedCostUsd is { } reported)
        {
            writer.WriteNumber("provider_cost_usd", reported);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes one call as <c>{id, name, arguments}</c>; arguments are an object, or the verbatim string when the model produced invalid JSON.</summary>
    public static void WriteToolCall(Utf8JsonWriter writer, FunctionCallContent call)
    {
        writer.WriteStartObject();
        WriteToolCallFields(writer, call);
        writer.WriteEndObject();
    }

    /// <summary>Writes <c>id</c>, <c>name</c> and <c>arguments</c> into the open object.</summary>
    public static void WriteToolCallFields(Utf8JsonWriter writer, FunctionCallContent call)
    {
        writer.WriteString("id", call.CallId);
        writer.WriteString("name", call.Name);
        writer.WritePropertyName("arguments");
        var json = ToolCallArguments.ToJson(call);
        if (call.AdditionalProperties?.ContainsKey(ToolCallArguments.RawArgumentsKey) == true)
        {
            writer.WriteStringValue(json);
        }
        else
        {
            writer.WriteRawValue(json);
        }
    }

    /// <summary>Writes <c>finish_reason</c>, and <c>finish_reason_raw</c> / <c>stop_sequence</c> when the provider gave them.</summary>
    public static void WriteFinish(Utf8JsonWriter writer, ChatFinishReason? reason, bool hasToolCalls, string? raw, string? stopSequence)
    {
        writer.WriteString("finish_reason", FinishDetails.Normalized(reason, hasToolCalls));
        if (raw is not null)
        {
            writer.WriteString("finish_reason_raw", raw);
        }

        if (stopSequence is not null)
        {
            writer.WriteString("stop_sequence", stopSequence);
        }
    }
}
