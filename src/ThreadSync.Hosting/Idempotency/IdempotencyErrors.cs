using Microsoft.AspNetCore.Http;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Idempotency;

/// <summary>The refusals of a request whose idempotency key cannot run it now, with the SDKs' retry hint set on the response.</summary>
internal static class IdempotencyErrors
{
    public static GatewayException KeyReused(HttpContext http)
    {
        http.Response.Headers[IdempotencyHeaders.ShouldRetry] = "false";
        return new GatewayException(
            422,
            GatewayErrorCodes.IdempotencyKeyReused,
            $"This {IdempotencyHeaders.Key} was already used with a different request (another endpoint or body). Send a new key for a new request.",
            param: IdempotencyHeaders.Key);
    }

    public static GatewayException InProgress(HttpContext http, TimeSpan waited)
    {
        http.Response.Headers[IdempotencyHeaders.ShouldRetry] = "true";
        return new GatewayException(
            409,
            GatewayErrorCodes.IdempotencyInProgress,
            $"A request with this {IdempotencyHeaders.Key} is still being processed and did not finish within {Seconds(waited)}. Retry later to receive its result.",
            type: "invalid_request_error",
            retryAfter: TimeSpan.FromSeconds(1));
    }

    public static GatewayException OutcomeUncertain(HttpContext http)
    {
        http.Response.Headers[IdempotencyHeaders.ShouldRetry] = "false";
        return new GatewayException(
            409,
            GatewayErrorCodes.IdempotencyOutcomeUncertain,
            $"An earlier request with this {IdempotencyHeaders.Key} was sent to the provider, but its outcome is unknown (the provider timed out or the connection broke). "
                + "It may have been executed and billed, so the gateway will not run it again under this key. Check whether it took effect; to run it again, send a new key.",
            type: "invalid_request_error");
    }

    private static string Seconds(TimeSpan span) =>
        span.TotalSeconds < 1 ? "less than a second" : $"{Math.Round(span.TotalSeconds)} s";
}
