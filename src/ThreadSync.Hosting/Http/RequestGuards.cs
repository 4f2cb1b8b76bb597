using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using ThreadSync.Gateway;
using ThreadSync.Hosting.Idempotency;
using ThreadSync.Hosting.Sessions;

namespace ThreadSync.Hosting.Http;

/// <summary>The checks every inference endpoint runs before it does any work: content type, API key, body size.</summary>
internal static class RequestGuards
{
    public static void RequireJson(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !(type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || (type.MediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase))))
        {
            throw new GatewayException(415, GatewayErrorCodes.UnsupportedMediaType, "The request body must be JSON, sent with 'Content-Type: application/json'.");
        }
    }

    /// <summary>
    /// Runs every guard in order — JSON content type, API key, body size, then the <c>Idempotency-Key</c> when one was
    /// sent — and parses the body with <paramref name="parse"/>, releasing the body buffer afterwards. Every inference
    /// endpoint starts here.
    /// </summary>
    /// <returns>The caller and the parsed request; <see langword="null"/> when the idempotency key's stored response was replayed, and there is nothing left to do.</returns>
    public static async ValueTask<(GatewayCaller Caller, TParsed Parsed)?> ReadRequestAsync<TState, TParsed>(
        HttpRequest request,
        IGatewayAuthenticator authenticator,
        long maxBodyBytes,
        TState state,
        Func<ReadOnlySequence<byte>, TState, TParsed> parse)
    {
        RequireJson(request);
        GatewayCaller caller;
        ReadOnlySequence<byte> body;
        var audit = InferenceAudit.Of(request.HttpContext);
        if (SessionRequestAuthenticator.Presents(request))
        {
            // A browser session signs its body, so the body is read before the caller is known.
            body = await ReadBodyAsync(request, maxBodyBytes);
            try
            {
                (caller, _) = await request.HttpContext.RequestServices.GetRequiredService<SessionRequestAuthenticator>().AuthenticateAsync(request, body);
            }
            catch
            {
                audit?.BodyRead(body);
                request.BodyReader.AdvanceTo(body.End);
                throw;
            }

            audit?.Authenticated(caller);
        }
        else
        {
            caller = await AuthenticateAsync(request, authenticator);
            audit?.Authenticated(caller);
            body = await ReadBodyAsync(request, maxBodyBytes);
        }

        audit?.BodyRead(body);
        try
        {
            if (request.Headers.ContainsKey(IdempotencyHeaders.Key)
                && await request.HttpContext.RequestServices.GetRequiredService<IdempotencyGate>().BeginAsync(request.HttpContext, caller, body))
            {
                return null;
            }

            return (caller, parse(body, state));
        }
        finally
        {
            request.BodyReader.AdvanceTo(body.End);
        }
    }

    /// <summary>Authenticates a request without a body (<c>GET</c>) by its API key, or by its browser session's signature over an empty body.</summary>
    public static async ValueTask<GatewayCaller> AuthenticateBodilessAsync(HttpRequest request, IGatewayAuthenticator authenticator)
    {
        if (!SessionRequestAuthenticator.Presents(request))
        {
            return await AuthenticateAsync(request, authenticator);
        }

        var (caller, _) = await request.HttpContext.RequestServices.GetRequiredService<SessionRequestAuthenticator>().AuthenticateAsync(request, ReadOnlySequence<byte>.Empty);
        return caller;
    }

    /// <summary>
    /// Authenticates the key from <c>x-api-key</c> or <c>Authorization: Bearer</c>; refused from a browser where direct
    /// browser auth is disabled (<see cref="BrowserKeyPolicy"/>).
    /// </summary>
    public static async ValueTask<GatewayCaller> AuthenticateAsync(HttpRequest request, IGatewayAuthenticator authenticator)
    {
        var key = ReadApiKey(request);
        if (string.IsNullOrEmpty(key))
        {
            throw new GatewayException(401, GatewayErrorCodes.MissingApiKey, "No API key was provided. Send it as 'x-api-key: <key>' or 'Authorization: Bearer <key>'.");
        }

        request.HttpContext.RequestServices.GetRequiredService<BrowserKeyPolicy>().Check(request);

        return await authenticator.AuthenticateAsync(key, request.HttpContext.RequestAborted)
            ?? throw new GatewayException(401, GatewayErrorCodes.InvalidApiKey, "The API key is not valid.");
    }

    /// <summary>
    /// Reads the whole body, refusing it with 413 past <paramref name="maxBytes"/>. The returned sequence stays
    /// valid until <see cref="PipeReader.AdvanceTo(SequencePosition)"/> is called on the request's body reader.
    /// </summary>
    public static async ValueTask<ReadOnlySequence<byte>> ReadBodyAsync(HttpRequest request, long maxBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        // Our limit, not the server's default, decides; reading still stops at it if no length was sent.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = maxBytes + 1;
        }

        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(request.HttpContext.RequestAborted);
            if (result.Buffer.Length > maxBytes)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                throw TooLarge(maxBytes);
            }

            if (result.IsCompleted)
            {
                return result.Buffer;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>Reads the presented key from <c>x-api-key</c> or <c>Authorization: Bearer</c>, or <see langword="null"/>.</summary>
    public static string? ReadApiKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue("x-api-key", out var apiKey) && apiKey.Count > 0 && !string.IsNullOrWhiteSpace(apiKey[0]))
        {
            return apiKey[0]!.Trim();
        }

        var authorization = request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        return authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) ? authorization[Bearer.Length..].Trim() : null;
    }

    private static GatewayException TooLarge(long maxBytes) =>
        new(413, GatewayErrorCodes.RequestTooLarge, $"The request body is larger than this gateway's limit of {maxBytes} bytes.");
}
