using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Audit;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Hosting.Http;

/// <summary>
/// The audit of one inference request over HTTP, kept as a request feature from the first middleware to the end: what
/// the guards learned (the caller, the SHA-256 of the request body as received), the pipeline's record once it ended,
/// and, from <see cref="HashingPipeWriter"/>, the SHA-256 of the response body as sent. The middleware appends the
/// record before the response completes; requests refused before the pipeline (401, 400, 413, 415) get a record
/// with what is known.
/// </summary>
internal sealed class InferenceAudit(string correlationId, string endpoint, DateTimeOffset arrivedAt, long startTimestamp)
{
    /// <summary>The verdict of a request answered with a stored response (<c>Idempotent-Replayed: true</c>): not run, not billed.</summary>
    public const string Replayed = "replayed";

    private bool _ending;

    /// <summary>Gets the authenticated caller, once the key was checked.</summary>
    public GatewayCaller? Caller { get; private set; }

    /// <summary>Gets the pipeline's request context, once the endpoint created it.</summary>
    public GatewayRequestContext? Context { get; private set; }

    /// <summary>Gets the SHA-256 of the request body as received, once read.</summary>
    public string? PromptSha256 { get; private set; }

    /// <summary>Gets a copy of the request body, when the caller's org keeps content.</summary>
    public byte[]? PromptContent { get; private set; }

    /// <summary>Gets a value indicating whether the caller's org keeps content beside the chain.</summary>
    public bool KeepsContent => Caller?.AuditContentRetention is not null;

    /// <summary>Gets a value indicating whether the request's outcome is decided (the pipeline ended, or an error is being written).</summary>
    public bool IsEnding => _ending || Context?.AuditRecord is not null;

    /// <summary>Gets the audit of the request, if it is an audited inference request.</summary>
    public static InferenceAudit? Of(HttpContext http) => http.Features.Get<InferenceAudit>();

    /// <summary>Whether a request is an inference request (a POST to a chat endpoint), audited from arrival.</summary>
    public static bool Applies(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && (request.Path.Equals(Endpoints.OpenAI.ChatCompletionsEndpoint.Path, StringComparison.OrdinalIgnoreCase)
            || request.Path.Equals(Endpoints.Anthropic.MessagesEndpoint.Path, StringComparison.OrdinalIgnoreCase)
            || request.Path.Equals(Endpoints.Llm.LlmChatEndpoint.Path, StringComparison.OrdinalIgnoreCase));

    /// <summary>Hands the pipeline's context to the audit: the pipeline then leaves its record for the middleware to complete.</summary>
    public static void Attach(HttpContext http, GatewayRequestContext context)
    {
        if (Of(http) is { } audit)
        {
            context.HostAppendsAudit = true;
            audit.Context = context;
        }
    }

    /// <summary>Gets the browser session whose signed request was refused, when its token named one.</summary>
    public SubjectSession? RefusedSession { get; private set; }

    /// <summary>Gets why a browser session's request was refused, as compact JSON (<c>{"reason":"signature_invalid"}</c>).</summary>
    public string? RefusalDetails { get; private set; }

    public void Authenticated(GatewayCaller caller) => Caller = caller;

    /// <summary>Notes why a signed request was refused, and the session it named (when known), for its audit record.</summary>
    public void SessionRefused(string reason, SubjectSession? session)
    {
        RefusedSession = session;
        RefusalDetails = "{\"reason\":\"" + reason + "\"}";
    }

    public void BodyRead(ReadOnlySequence<byte> body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var segment in body)
        {
            hash.AppendData(segment.Span);
        }

        PromptSha256 = Convert.ToHexStringLower(hash.GetCurrentHash());
        if (KeepsContent)
        {
            PromptContent = body.ToArray();
        }
    }

    /// <summary>Marks the outcome decided (an error response is about to be written): later flushes wait for the audit record.</summary>
    public void End() => _ending = true;

    /// <summary>Composes the record: the pipeline's (or what is known), completed with the HTTP outcome and both hashes.</summary>
    public AuditRecord Compose(HttpContext http, HashingPipeWriter body, TimeProvider timeProvider)
    {
        var aborted = http.RequestAborted.IsCancellationRequested;
        var latency = (long)timeProvider.GetElapsedTime(startTimestamp).TotalMilliseconds;
        var record = Context?.AuditRecord;
        if (record is null)
        {
            var status = aborted ? 499 : http.Response.StatusCode;
            record = new AuditRecord
            {
                At = arrivedAt,
                Kind = AuditKinds.Inference,
                CorrelationId = correlationId,
                KeyId = Caller?.KeyId ?? RefusedSession?.KeyId,
                OrgId = Caller?.OrgId ?? RefusedSession?.OrgId,
                TeamId = Caller?.TeamId,
                Actor = Caller?.SessionId is not null ? "subject:" + Caller.SubjectId
                    : RefusedSession is { } refused ? "subject:" + refused.SubjectId
                    : null,
                Target = Caller?.SessionId ?? RefusedSession?.Id,
                Details = RefusalDetails,
                Verdict = aborted ? UsageVerdicts.Cancelled
                    : http.Response.Headers.ContainsKey(Idempotency.IdempotencyHeaders.Replayed) ? UsageVerdicts.Replayed
                    : status < 400 ? UsageVerdicts.Ok
                    : status == StatusCodes.Status401Unauthorized ? UsageVerdicts.Unauthenticated
                    : UsageVerdicts.Failed,
                StatusCode = status,
            };
        }
        else if (!aborted)
        {
            record = record with { StatusCode = http.Response.StatusCode };
        }

        var response = body.Sha256();
        return record with
        {
            Endpoint = endpoint,
            LatencyMs = latency,
            PromptSha256 = PromptSha256,
            ResponseSha256 = response,
            Content = Caller?.AuditContentRetention is { } retention
                ? new AuditContent { Prompt = PromptContent, Response = response is null ? null : body.Content, ExpiresAt = record.At + retention }
                : null,
        };
    }
}
