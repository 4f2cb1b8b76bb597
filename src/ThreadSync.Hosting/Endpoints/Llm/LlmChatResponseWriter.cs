using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway;
using ThreadSync.Hosting.Endpoints.OpenAI;

namespace ThreadSync.Hosting.Endpoints.Llm;

/// <summary>
/// Writes a complete normalized response: <c>{id, content, model, provider, route_method, finish_reason,
/// finish_reason_raw?, stop_sequence?, usage, tool_calls?, reasoning?, refusal?, citations?, search_results?,
/// conversation_id?, request_id}</c>.
/// </summary>
internal static class LlmChatResponseWriter
{
    public static void Write(Utf8JsonWriter writer, ChatResponse response, GatewayRequestContext context)
    {
        var parts = ResponseParts.Of(response);

        writer.WriteStartObject();
        writer.WriteString("id", LlmChatEndpoint.ResponseId(context));
        writer.WriteString("content", parts.Text);
        writer.WriteString("model", response.ModelId ?? context.Model?.Id);
        writer.WriteString("provider", context.Provider?.ToWireId());
        writer.WriteString("route_method", context.RouteMethod);
        LlmWireFormat.WriteFinish(
            writer,
            response.FinishReason,
            parts.Calls.Count > 0,
            FinishDetails.RawReason(response.AdditionalProperties),
            FinishDetails.StopSequence(response.AdditionalProperties));
        writer.WritePropertyName("usage");
        LlmWireFormat.WriteUsageObject(writer, context.Usage ?? new GatewayUsage());
        if (parts.Calls.Count > 0)
        {
            writer.WritePropertyName("tool_calls");
            writer.WriteStartArray();
            foreach (var call in parts.Calls)
            {
                LlmWireFormat.WriteToolCall(writer, call);
            }

            writer.WriteEndArray();
        }

        if (parts.Reasoning.Length > 0)
        {
            writer.WriteString("reasoning", parts.Reasoning);
        }

        if (parts.Refusal is not null)
        {
            writer.WriteString("refusal", parts.Refusal);
        }

        OpenAIWireFormat.WriteCitations(writer, parts.Contents);
        if (context.ConversationId is { } conversationId)
        {
            writer.WriteString("conversation_id", conversationId);
        }

        writer.WriteString("request_id", context.CorrelationId);
        writer.WriteEndObject();
    }
}
