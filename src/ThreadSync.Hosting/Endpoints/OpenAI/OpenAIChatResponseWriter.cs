using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Endpoints.OpenAI;

/// <summary>
/// Writes a complete response in OpenAI's exact <c>chat.completion</c> shape, plus ThreadSync's flattened
/// top-level fields (<c>content</c>, <c>provider</c>, <c>route_method</c>) and usage fields, so unchanged OpenAI
/// SDK code works and <c>data.content</c> works too.
/// </summary>
internal static class OpenAIChatResponseWriter
{
    public static void Write(Utf8JsonWriter writer, ChatResponse response, GatewayRequestContext context, long createdUnixSeconds)
    {
        var parts = ResponseParts.Of(response);

        var contentText = parts.Text.Length == 0 && (parts.Calls.Count > 0 || parts.Refusal is not null) ? null : parts.Text;

        writer.WriteStartObject();
        writer.WriteString("id", "chatcmpl-" + context.CorrelationId);
        writer.WriteString("object", "chat.completion");
        writer.WriteNumber("created", response.CreatedAt?.ToUnixTimeSeconds() ?? createdUnixSeconds);
        writer.WriteString("model", response.ModelId ?? context.Model?.Id);
        writer.WritePropertyName("choices");
        writer.WriteStartArray();
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        writer.WritePropertyName("message");
        writer.WriteStartObject();
        writer.WriteString("role", "assistant");
        writer.WriteString("content", contentText);
        writer.WriteString("refusal", parts.Refusal);
        if (parts.Reasoning.Length > 0)
        {
            writer.WriteString("reasoning_content", parts.Reasoning);
        }

        if (parts.Calls.Count > 0)
        {
            OpenAIWireFormat.WriteToolCalls(writer, parts.Calls);
        }

        writer.WriteEndObject();
        writer.WriteNull("logprobs");
        writer.WriteString("finish_reason", OpenAIWireFormat.FinishReason(response.FinishReason));
        writer.WriteEndObject();
        writer.WriteEndArray();

        OpenAIWireFormat.WriteUsage(writer, context.Usage ?? new GatewayUsage());

        // ThreadSync's flattened fields.
        writer.WriteString("content", contentText ?? string.Empty);
        writer.WriteString("provider", context.Provider?.ToWireId());
        writer.WriteString("route_method", context.RouteMethod);
        if (FinishDetails.RawReason(response.AdditionalProperties) is { } rawReason)
        {
            writer.WriteString("finish_reason_raw", rawReason);
        }

        OpenAIWireFormat.WriteCitations(writer, parts.Contents);
        writer.WriteEndObject();
    }
}
