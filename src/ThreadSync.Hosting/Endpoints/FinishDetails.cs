using Microsoft.Extensions.AI;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Endpoints;

/// <summary>
/// Reads the provider's own finish reason (<see cref="GatewayContentKeys.FinishReasonRaw"/>) and the matched stop
/// sequence (<see cref="GatewayContentKeys.StopSequence"/>) off a response's or a finishing update's additional properties.
/// </summary>
internal static class FinishDetails
{
    public static string? RawReason(AdditionalPropertiesDictionary? properties) =>
        properties?.TryGetValue(GatewayContentKeys.FinishReasonRaw, out var value) == true && value is string { Length: > 0 } text ? text : null;

    public static string? StopSequence(AdditionalPropertiesDictionary? properties) =>
        properties?.TryGetValue(GatewayContentKeys.StopSequence, out var value) == true && value is string text ? text : null;

    /// <summary>
    /// The normalized finish reason: <c>stop</c>, <c>length</c>, <c>tool_calls</c>, <c>content_filter</c>, <c>error</c>
    /// or <c>other</c>. A missing reason is <c>tool_calls</c> when the answer holds tool calls, else <c>stop</c>.
    /// </summary>
    public static string Normalized(ChatFinishReason? reason, bool hasToolCalls) =>
        reason is null ? (hasToolCalls ? "tool_calls" : "stop")
        : reason == ChatFinishReason.Stop ? "stop"
        : reason == ChatFinishReason.Length ? "length"
        : reason == ChatFinishReason.ToolCalls ? "tool_calls"
        : reason == ChatFinishReason.ContentFilter ? "content_filter"
        : reason.Value.Value is "error" ? "error"
        : "other";
}
