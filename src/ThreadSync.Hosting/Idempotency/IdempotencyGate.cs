using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Http;

namespace ThreadSync.Hosting.Idempotency;

/// <summary>
/// Runs requests sent with an <c>Idempotency-Key</c> at most once per API key and idempotency key: the first claims the
/// key in the store and runs; duplicates wait for it (woken at once on this instance, polling the store when it runs on
/// another) and replay its stored response; retries replay it for the retention. See <c>docs/idempotency.md</c>.
/// </summary>
internal sealed class IdempotencyGate
{
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<(string KeyId, string Key), IdempotentExchange> _local = new();
    private readonly IIdempotencyStore _store;
    private readonly IdempotencyOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<IdempotencyGate> _logger;
    private long _nextPurge;
    private int _purging;

    public IdempotencyGate(GatewayStores stores, IOptions<GatewayOptions> options, TimeProvider time, ILogger<IdempotencyGate> logger)
    {
        _store = stores.Idempotency;
        _options = options.Value.Idempotency;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Claims the request's key, waits for the request holding it, or replays its stored response. Call after the key
    /// and body were read and before the body is parsed.
    /// </summary>
    /// <returns><see langword="true"/> when the stored response was replayed (the endpoint has nothing left to do); <see langword="false"/> when this request holds the key and must run.</returns>
    /// <exception cref="GatewayException">400, 409 or 422: the key is invalid, held too long, quarantined or used for another request.</exception>
    public async ValueTask<bool> BeginAsync(HttpContext http, GatewayCaller caller, ReadOnlySequence<byte> body)
    {
        var request = http.Request;
        // Keys are scoped per API key; a browser session's, per subject of its minting key, so subjects never share replays.
        var scope = caller.SessionId is null ? caller.KeyId : caller.KeyId + "/" + caller.SubjectId;
        var slot = (scope, IdempotencyHeaders.Read(request));
        var fingerprint = IdempotencyHeaders.Fingerprint(request, body);
        var correlationId = CorrelationId.Get(http);
        var started = _time.GetTimestamp();
        while (true)
        {
            if (_local.TryGetValue(slot, out var running) && running.Claim.Fingerprint.AsSpan().SequenceEqual(fingerprint))
            {
                // The same request is already running (or asking the store) here: wait for it, no store round trip.
                var (response, ended) = await running.WaitAsync(_options.WaitTimeout - _time.GetElapsedTime(started), _time, http.RequestAborted);
                if (response is not null)
                {
                    await ReplayAsync(http, response, correlationId);
                    return true;
                }

                if (!ended)
                {
                    throw IdempotencyErrors.InProgress(http, _options.WaitTimeout);
                }

                continue;
            }

            var exchange = new IdempotentExchange(this, slot, NewClaim(slot, fingerprint), correlationId);

            // Only one request per key asks the store from here; another body under the same key asks on its own.
            if (running is null && !_local.TryAdd(slot, exchange))
            {
                continue;
            }

            return await ClaimAsync(http, exchange, started);
        }
    }

    /// <summary>Ends an owned claim as its request's outcome says; returns the response stored, if any.</summary>
    public async Task<IdempotentResponse?> ResolveAsync(IdempotentExchange exchange, bool threw)
    {
        var http = exchange.Http!;
        var resolution = ClaimResolver.Resolve(http.Response, exchange.Context, threw);
        var status = http.Response.StatusCode;
        try
        {
            IdempotentResponse? response = null;
            bool held;
            switch (resolution)
            {
                case ClaimResolution.Complete:
                    response = Capture(http, exchange.Body!);
                    held = await _store.CompleteAsync(exchange.Claim, response, CancellationToken.None);
                    break;
                case ClaimResolution.Release:
                    held = await _store.ReleaseAsync(exchange.Claim, CancellationToken.None);
                    break;
                default:
                    IdempotencyLog.Quarantined(_logger, exchange.CorrelationId, status);
                    held = await _store.MarkUncertainAsync(exchange.Claim, CancellationToken.None);
                    break;
            }

            if (!held)
            {
                IdempotencyLog.ClaimLost(_logger, exchange.CorrelationId, resolution);
                return null;
            }

            IdempotencyLog.Resolved(_logger, exchange.CorrelationId, status, resolution);
            return response;
        }
        catch (Exception ex)
        {
            IdempotencyLog.StoreFailed(_logger, exchange.CorrelationId, resolution.ToString(), ex.GetType().Name, SensitiveDataRedactor.Redact(ex.Message));
            return null;
        }
    }

    /// <summary>Extends an owned claim's lease (from the exchange's timer).</summary>
    public async Task RenewAsync(IdempotentExchange exchange)
    {
        try
        {
            if (!await _store.RenewAsync(exchange.Claim, CancellationToken.None) && !exchange.Ended)
            {
                IdempotencyLog.LeaseLost(_logger, exchange.CorrelationId);
            }
        }
        catch (Exception ex)
        {
            IdempotencyLog.StoreFailed(_logger, exchange.CorrelationId, "renew", ex.GetType().Name, SensitiveDataRedactor.Redact(ex.Message));
        }
    }

    /// <summary>Removes an exchange from this process's table of running keys (if it is the one there).</summary>
    public void Forget(IdempotentExchange exchange) => _local.TryRemove(new KeyValuePair<(string, string), IdempotentExchange>(exchange.Slot, exchange));

    private static IdempotentResponse Capture(HttpContext http, CapturingPipeWriter body)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in http.Response.Headers)
        {
            if (!IdempotencyHeaders.IsReplayable(name))
            {
                continue;
            }

            foreach (var value in values)
            {
                if (value is not null)
                {
                    headers.Add(new(name, value));
                }
            }
        }

        return new IdempotentResponse(http.Response.StatusCode, headers, body.ToArray());
    }

    private async ValueTask<bool> ClaimAsync(HttpContext http, IdempotentExchange exchange, long started)
    {
        var owner = false;
        try
        {
            while (true)
            {
                var result = await _store.ClaimAsync(exchange.Claim, http.RequestAborted);
                switch (result.Status)
                {
                    case IdempotencyClaimStatus.Claimed:
                        exchange.Start(http, _time);
                        owner = true;
                        SchedulePurge();
                        return false;
                    case IdempotencyClaimStatus.Completed:
                        // Local duplicates waiting on this request replay it too.
                        exchange.Abandon(result.Response);
                        await ReplayAsync(http, result.Response!, exchange.CorrelationId);
                        return true;
                    case IdempotencyClaimStatus.FingerprintMismatch:
                        throw IdempotencyErrors.KeyReused(http);
                    case IdempotencyClaimStatus.Uncertain:
                        throw IdempotencyErrors.OutcomeUncertain(http);
                }

                // Held by a request on another instance: look again shortly.
                var left = _options.WaitTimeout - _time.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                {
                    throw IdempotencyErrors.InProgress(http, _options.WaitTimeout);
                }

                await Task.Delay(left < _options.PollInterval ? left : _options.PollInterval, _time, http.RequestAborted);
            }
        }
        finally
        {
            if (!owner)
            {
                // Local duplicates waiting on this request ask the store themselves (a no-op when already abandoned).
                exchange.Abandon(null);
            }
        }
    }

    private async ValueTask ReplayAsync(HttpContext http, IdempotentResponse stored, string correlationId)
    {
        var response = http.Response;
        response.StatusCode = stored.StatusCode;
        foreach (var (name, value) in stored.Headers)
        {
            response.Headers.Append(name, value);
        }

        response.Headers[IdempotencyHeaders.Replayed] = "true";
        response.ContentLength = stored.Body.Length;
        IdempotencyLog.Replayed(_logger, correlationId, stored.StatusCode, stored.Body.Length);

        // The outcome is decided: the audit holds the bytes until the replay's record is in the chain.
        InferenceAudit.Of(http)?.End();
        await response.BodyWriter.WriteAsync(stored.Body, http.RequestAborted);
    }

    private IdempotencyClaim NewClaim((string KeyId, string Key) slot, byte[] fingerprint) => new()
    {
        KeyId = slot.KeyId,
        Key = slot.Key,
        Fingerprint = fingerprint,
        Owner = Guid.NewGuid().ToString("N"),
        Lease = _options.Lease,
        Retention = _options.Retention,
    };

    /// <summary>Purges expired records in the background, at most every <see cref="PurgeInterval"/> per process.</summary>
    private void SchedulePurge()
    {
        var now = _time.GetTimestamp();
        if (now < Volatile.Read(ref _nextPurge) || Interlocked.CompareExchange(ref _purging, 1, 0) != 0)
        {
            return;
        }

        Volatile.Write(ref _nextPurge, now + (long)(PurgeInterval.TotalSeconds * _time.TimestampFrequency));
        _ = Task.Run(async () =>
        {
            try
            {
                var purged = await _store.PurgeExpiredAsync(CancellationToken.None);
                if (purged > 0)
                {
                    IdempotencyLog.Purged(_logger, purged);
                }
            }
            catch (Exception ex)
            {
                IdempotencyLog.PurgeFailed(_logger, ex.GetType().Name, SensitiveDataRedactor.Redact(ex.Message));
            }
            finally
            {
                Volatile.Write(ref _purging, 0);
            }
        });
    }
}
