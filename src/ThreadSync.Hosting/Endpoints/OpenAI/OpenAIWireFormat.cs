using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Endpoints.OpenAI;

/// <summary>Pieces of OpenAI's response shape shared by complete responses and stream chunks.</summary>
internal static class OpenAIWireFormat
{
    /// <summary>
    /// OpenAI's finish reason. OpenAI's own set is closed — its SDKs reject other values — so the normalized
    /// <c>error</c> and <c>other</c> (Anthropic <c>pause_turn</c>, Gemini <c>MALFORMED_FUNCTION_CALL</c>…) are sent as
    /// <c>stop</c>; the provider's own value travels in <c>finish_reason_raw</c>.
    /// </summary>
    public static string FinishReason(ChatFinishReason? reason) =>
        reason == ChatFinishReason.Length ? "length"
        : reason == ChatFinishReason.ToolCalls ? "tool_calls"
        : reason == ChatFinishReason.ContentFilter ? "content_filter"
        : "stop";

    /// <summary>Writes <c>tool_calls</c>; in stream chunks each call carries its stream-wide <c>index</c>, from <paramref name="firstIndex"/>.</summary>
    public static void WriteToolCalls(Utf8JsonWriter writer, IReadOnlyList<FunctionCallContent> calls, int? firstIndex = null)
    {
        writer.WritePropertyName("tool_calls");
        writer.WriteStartArray();
        for (var i = 0; i < calls.Count; i++)
        {
            writer.WriteStartObject();
            if (firstIndex is { } first)
            {
                writer.WriteNumber("index", first + i);
            }

            writer.WriteString("id", calls[i].CallId);
            writer.WriteString("type", "function");
            writer.WritePropertyName("function");
            writer.WriteStartObject();
            writer.WriteString("name", calls[i].Name);
            writer.WriteString("arguments", ToolCallArguments.ToJson(calls[i]));
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes OpenAI usage fields plus ThreadSync's flattened <c>input_tokens</c>, <c>output_tokens</c> and <c>cost_usd</c>.</summary>
    public static void WriteUsage(Utf8JsonWriter writer, GatewayUsage usage)
    {
        writer.WritePropertyName("usage");
        writer.WriteStartObject();
        writer.WriteNumber("prompt_tokens", usage.InputTokens);
        writer.WriteNumber("completion_tokens", usage.OutputTokens);
        writer.WriteNumber("total_tokens", usage.TotalTokens);
        writer.WritePropertyName("prompt_tokens_details");
        writer.WriteStartObject();
        writer.WriteNumber("cached_tokens", usage.CachedInputTokens);
        writer.WriteEndObject();
        writer.WritePropertyName("completion_tokens_details");
        writer.WriteStartObject();
        writer.WriteNumber("reasoning_tokens", usage.ReasoningTokens);
        writer.WriteEndObject();
        writer.WriteNumber("input_tokens", usage.InputTokens);
        writer.WriteNumber("output_tokens", usage.OutputTokens);
        writer.WriteNumber("cost_usd", decimal.Round(usage.CostUsd, 10));
        if (usage.ProviderReportedCostUsd is { } reported)
        {
            writer.WriteNumber("provider_cost_usd", reported);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes top-level <c>citations</c> and <c>search_results</c> (Perplexity's and xAI's shape) when present.</summary>
    public static void WriteCitations(Utf8JsonWriter writer, IEnumerable<AIContent> contents)
    {
        List<CitationAnnotation>? citations = null;
        List<CitationAnnotation>? results = null;
        foreach (var content in contents)
        {
            foreach (var annotation in content.Annotations ?? [])
            {
                if (annotation is not CitationAnnotation citation)
                {
                    continue;
                }

                var kind = citation.AdditionalProperties?.TryGetValue(GatewayContentKeys.CitationKind, out var k) == true ? k as string : null;
                (kind == GatewayContentKeys.CitationKindSearchResult ? results ??= [] : citations ??= []).Add(citation);
            }
        }

        if (citations is not null)
        {
            writer.WritePropertyName("citations");
            writer.WriteStartArray();
            foreach (var citation in citations)
            {
                writer.WriteStringValue(Url(citation));
            }

            writer.WriteEndArray();
        }

        if (results is not null)
        {
            writer.WritePropertyName("search_results");
            writer.WriteStartArray();
            foreach (var result in results)
            {
                writer.WriteStartObject();
                if (result.Title is not null)
                {
                    writer.WriteString("title", result.Title);
                }

                writer.WriteString("url", Url(result));
                foreach (var field in (ReadOnlySpan<string>)["date", "last_updated", "source"])
                {
                    if (result.AdditionalProperties?.TryGetValue(field, out var value) == true && value is string text)
                    {
                        writer.WriteString(field, text);
                    }
                }

                if (result.Snippet is not null)
                {
                    writer.WriteString("snippet", result.Snippet);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }
    }

    private static string? Url(CitationAnnotation citation) =>
        citation.AdditionalProperties?.TryGetValue(GatewayContentKeys.CitationUrl, out var raw) == true && raw is string text ? text : citation.Url?.OriginalString;
}
