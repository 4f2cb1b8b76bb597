using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Endpoints.Anthropic;

/// <summary>Pieces of Anthropic's response shape shared by complete messages and stream events.</summary>
internal static class AnthropicWireFormat
{
    /// <summary>The message id: <c>msg_</c> and the correlation id.</summary>
    public static string MessageId(GatewayRequestContext context) => "msg_" + context.CorrelationId;

    /// <summary>
    /// Anthropic's <c>stop_reason</c> and <c>stop_sequence</c> for a normalized finish. An Anthropic upstream's own
    /// value is used verbatim; otherwise stop becomes <c>end_turn</c> (or <c>stop_sequence</c> when the provider says
    /// one matched), length <c>max_tokens</c>, tool calls <c>tool_use</c>, content filter or a refusal <c>refusal</c>.
    /// </summary>
    public static (string StopReason, string? StopSequence) StopReason(
        GatewayRequestContext context, ChatFinishReason? reason, string? raw, string? stopSequence, bool hasToolUse, bool hasRefusal)
    {
        if (context.Provider == GatewayProvider.Anthropic && raw is "end_turn" or "max_tokens" or "stop_sequence" or "tool_use" or "pause_turn" or "refusal" or "model_context_window_exceeded")
        {
            return (raw, raw == "stop_sequence" ? stopSequence : null);
        }

        if (reason == ChatFinishReason.Length)
        {
            return ("max_tokens", null);
        }

        if (reason == ChatFinishReason.ToolCalls || (reason is null && hasToolUse))
        {
            return ("tool_use", null);
        }

        if (reason == ChatFinishReason.ContentFilter || hasRefusal)
        {
            return ("refusal", null);
        }

        if (stopSequence is not null || raw == "stop_sequence")
        {
            return ("stop_sequence", stopSequence);
        }

        return ("end_turn", null);
    }

    /// <summary>Whether reasoning content stands for a <c>redacted_thinking</c> block (its protected data is the block's <c>data</c>).</summary>
    public static bool IsRedacted(TextReasoningContent reasoning) =>
        reasoning.AdditionalProperties?.TryGetValue(GatewayContentKeys.RedactedThinking, out var flag) == true && flag is true;

    /// <summary>
    /// Writes <c>usage</c> in Anthropic's convention: <c>input_tokens</c> is only the uncached input; cache reads and
    /// writes are counted apart.
    /// </summary>
    public static void WriteUsage(Utf8JsonWriter writer, GatewayUsage? usage)
    {
        usage ??= new GatewayUsage();
        writer.WritePropertyName("usage");
        writer.WriteStartObject();
        writer.WriteNumber("input_tokens", Math.Max(0, usage.InputTokens - usage.CachedInputTokens - usage.CacheWriteInputTokens));
        writer.WriteNumber("cache_creation_input_tokens", usage.CacheWriteInputTokens);
        writer.WriteNumber("cache_read_input_tokens", usage.CachedInputTokens);
        writer.WriteNumber("output_tokens", usage.OutputTokens);
        writer.WriteEndObject();
    }

    /// <summary>
    /// The arguments of a call as Anthropic's <c>input</c> object text. Arguments a model produced as invalid JSON
    /// (or as anything but an object) cannot be an Anthropic <c>input</c>, so they become <c>{}</c>.
    /// </summary>
    public static string InputJson(FunctionCallContent call) =>
        call.AdditionalProperties?.ContainsKey(ToolCallArguments.RawArgumentsKey) == true ? "{}" : ToolCallArguments.ToJson(call);

    /// <summary>Writes a <c>tool_use</c> block; <paramref name="input"/> is the object text or null for <c>{}</c> (stream starts).</summary>
    public static void WriteToolUseBlock(Utf8JsonWriter writer, FunctionCallContent call, string? input)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "tool_use");
        writer.WriteString("id", call.CallId);
        writer.WriteString("name", call.Name);
        writer.WritePropertyName("input");
        if (input is null)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteRawValue(input);
        }

        writer.WriteEndObject();
    }
}
