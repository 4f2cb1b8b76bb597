using System.Text;
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
        var contents = response.Messages.SelectMany(static m => m.Contents).ToList();
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        string? refusal = null;
        var calls = new List<FunctionCallContent>();
        foreach (var content in contents)
        {
            switch (content)
            {
                case TextContent t:
                    text.Append(t.Text);
                    break;
                case TextReasoningContent r:
                    reasoning.Append(r.Text);
                    break;
                case ErrorContent { ErrorCode: GatewayContentKeys.RefusalErrorCode } e:
                    refusal = e.Message;
                    break;
                case FunctionCallContent call:
                    calls.Add(call);
                    break;
            }
        }

        writer.WriteStartObject();
        writer.WriteString("id", LlmChatEndpoint.ResponseId(context));
        writer.WriteString("content", text.ToString());
        writer.WriteString("model", response.ModelId ?? context.Model?.Id);
        writer.WriteString("provider", context.Provider?.ToWireId());
        writer.WriteString("route_method", context.RouteMethod);
        LlmWireFormat.WriteFinish(
            writer,
            response.FinishReason,
            calls.Count > 0,
            FinishDetails.RawReason(response.AdditionalProperties),
            FinishDetails.StopSequence(response.AdditionalProperties));
        writer.WritePropertyName("usage");
        LlmWireFormat.WriteUsageObject(writer, context.Usage ?? new GatewayUsage());
        if (calls.Count > 0)
        {
            writer.WritePropertyName("tool_calls");
            writer.WriteStartArray();
            foreach (var call in calls)
            {
                LlmWireFormat.WriteToolCall(writer, call);
            }

            writer.WriteEndArray();
        }

        if (reasoning.Length > 0)
        {
            writer.WriteString("reasoning", reasoning.ToString());
        }

        if (refusal is not null)
        {
            writer.WriteString("refusal", refusal);
        }

        OpenAIWireFormat.WriteCitations(writer, contents);
        if (context.ConversationId is { } conversationId)
        {
            writer.WriteString("conversation_id", conversationId);
        }

        writer.WriteString("request_id", context.CorrelationId);
        writer.WriteEndObject();
    }
}
