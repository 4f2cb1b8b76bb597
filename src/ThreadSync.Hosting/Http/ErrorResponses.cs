using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ThreadSync.Hosting.Serialization;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Http;

/// <summary>
/// Writes errors in OpenAI's shape, <c>{"error":{"message","type","param","code","request_id"}}</c>, with the
/// correlation id in the body and the <c>x-request-id</c> header. Messages are client-safe by construction.
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

        response.ContentType = "application/json";
        var writer = new Utf8JsonWriter(response.BodyWriter, HostingJson.WriterOptions);
        WriteBody(writer, error, CorrelationId.Get(context));
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
