using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ThreadSync.Hosting.Serialization;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Http;

/// <summary>
/// Writes errors in OpenAI's shape, <c>{"error":{"message","type","param","code","request_id"}}</c>, with the
/// correlation id in the body and the <c>x-request-id</c> header; endpoints marked with
/// <see cref="AnthropicErrorFormat"/> (and paths under <c>/v1/messages</c>) get Anthropic's shape instead
/// (<see cref="AnthropicErrors"/>). Messages are client-safe by construction.
/// </summary>
internal static class ErrorResponses
{
    public static Task WriteAsync(HttpContext context, GatewayException error)
    {
        var response = context.Response;
        response.StatusCode = error.StatusCode;
        if (error.RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        RateLimitHeaders.Write(response.Headers, error.Quota);

        response.ContentType = "application/json";
        var correlationId = CorrelationId.Get(context);
        var writer = new Utf8JsonWriter(response.BodyWriter, HostingJson.WriterOptions);
        if (AnthropicErrors.Applies(context))
        {
            response.Headers[AnthropicErrors.RequestIdHeader] = correlationId;
            AnthropicErrors.WriteBody(writer, error, correlationId);
        }
        else
        {
            WriteBody(writer, error, correlationId);
        }

        writer.Flush();
        return response.BodyWriter.FlushAsync(context.RequestAborted).AsTask();
    }

    /// <summary>Writes the <c>{"error":{…}}</c> object (also used as an SSE event mid-stream).</summary>
    public static void WriteBody(Utf8JsonWriter writer, GatewayException error, string correlationId)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("error");
        writer.WriteStartObject();
        writer.WriteString("message", error.Message);
        writer.WriteString("type", error.Type);
        if (error.Param is null)
        {
            writer.WriteNull("param");
        }
        else
        {
            writer.WriteString("param", error.Param);
        }

        writer.WriteString("code", error.Code);
        writer.WriteString("request_id", correlationId);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
