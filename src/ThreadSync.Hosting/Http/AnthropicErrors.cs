using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Http;

/// <summary>
/// Anthropic's error shape, <c>{"type":"error","error":{"type","message","details":{"error_code","param"}},"request_id"}</c>:
/// the type follows Anthropic's status table; ThreadSync's stable code rides in <c>error.details.error_code</c>, where
/// Anthropic puts its own codes (the official SDKs expose it as the exception's error code).
/// </summary>
internal static class AnthropicErrors
{
    /// <summary>Anthropic's request id header; set to the correlation id next to <c>x-request-id</c>.</summary>
    public const string RequestIdHeader = "request-id";

    /// <summary>
    /// Whether errors of this request use Anthropic's shape: the endpoint says so in its metadata, or the request is
    /// under <c>/v1/messages</c> without a matched endpoint (wrong method, unknown sub-path).
    /// </summary>
    public static bool Applies(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<AnthropicErrorFormat>() is not null
        || context.Request.Path.StartsWithSegments("/v1/messages", StringComparison.OrdinalIgnoreCase);

    public static string TypeForStatus(int statusCode) => statusCode switch
    {
        400 or 415 or 422 => "invalid_request_error",
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 or 529 => "overloaded_error",
        504 => "timeout_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    /// <summary>Writes the error object (also the data of an <c>event: error</c> mid-stream).</summary>
    public static void WriteBody(Utf8JsonWriter writer, GatewayException error, string correlationId)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "error");
        writer.WritePropertyName("error");
        writer.WriteStartObject();
        writer.WriteString("type", TypeForStatus(error.StatusCode));
        writer.WriteString("message", error.Message);
        writer.WritePropertyName("details");
        writer.WriteStartObject();
        writer.WriteString("error_code", error.Code);
        if (error.Param is not null)
        {
            writer.WriteString("param", error.Param);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteString("request_id", correlationId);
        writer.WriteEndObject();
    }
}
