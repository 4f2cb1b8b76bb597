using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Hosting.Idempotency;

/// <summary>
/// One request's hold on an idempotency key in this process: first as the process's candidate for the key (the request
/// that asks the store, and that local duplicates wait on), then, once the store granted the claim, as its owner: the
/// response body is captured, the claim's lease renewed, and when the request ends the key is completed, released or
/// quarantined (<see cref="FinishAsync"/>), and the duplicates waiting here get the stored response.
/// </summary>
internal sealed class IdempotentExchange : IAsyncDisposable
{
    private readonly IdempotencyGate _gate;
    private readonly TaskCompletionSource<IdempotentResponse?> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HttpContext? _http;
    private CapturingBodyFeature? _body;
    private ITimer? _renewal;
    private int _renewing;
    private int _ended;

    public IdempotentExchange(IdempotencyGate gate, (string KeyId, string Key) slot, IdempotencyClaim claim, string correlationId)
    {
        _gate = gate;
        Slot = slot;
        Claim = claim;
        CorrelationId = correlationId;
    }

    /// <summary>Gets the key, scoped by API key id.</summary>
    public (string KeyId, string Key) Slot { get; }

    /// <summary>Gets the claim this request makes (or made).</summary>
    public IdempotencyClaim Claim { get; }

    /// <summary>Gets the request's correlation id, for logs.</summary>
    public string CorrelationId { get; }

    /// <summary>Gets the gateway context of the request, once the endpoint created it.</summary>
    public GatewayRequestContext? Context { get; private set; }

    /// <summary>Gets the captured response body, once the claim was granted.</summary>
    public CapturingPipeWriter? Body => _body?.Writer;

    /// <summary>Gets the request, once the claim was granted.</summary>
    public HttpContext? Http => _http;

    /// <summary>Gets a value indicating whether this request's part in the key is over.</summary>
    public bool Ended => Volatile.Read(ref _ended) != 0;

    /// <summary>
    /// Ties the gateway context the endpoint created to the request's claim, if it holds one: the gateway then calls a
    /// provider at most once for it (<see cref="GatewayRequestContext.AtMostOnce"/>). Nothing happens without a claim.
    /// </summary>
    public static void Attach(HttpContext http, GatewayRequestContext context)
    {
        if (http.Features.Get<IdempotentExchange>() is { } exchange)
        {
            exchange.Context = context;
            context.AtMostOnce = true;
        }
    }

    /// <summary>Waits for the request holding the key in this process to end.</summary>
    /// <returns>The stored response to replay; or none, when the key must be asked of the store again; and whether the wait ended before the timeout.</returns>
    public async ValueTask<(IdempotentResponse? Response, bool Ended)> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            return (await _finished.Task.WaitAsync(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero, time, cancellationToken), true);
        }
        catch (TimeoutException)
        {
            return (null, false);
        }
    }

    /// <summary>
    /// Takes ownership of a granted claim: captures the response body, keeps running when the client goes away (so a
    /// retry finds the whole answer stored), and renews the lease every third of it until the request ends.
    /// </summary>
    public void Start(HttpContext http, TimeProvider time)
    {
        _http = http;
        _body = new CapturingBodyFeature(http.Features.GetRequiredFeature<IHttpResponseBodyFeature>());
        http.Features.Set<IHttpResponseBodyFeature>(_body);
        http.Features.Set(this);
        http.RequestAborted = CancellationToken.None;
        http.Response.RegisterForDisposeAsync(this);
        var period = Claim.Lease / 3;
        _renewal = time.CreateTimer(static state => ((IdempotentExchange)state!).Renew(), this, period, period);
    }

    /// <summary>Ends the claim as the request's outcome says (see <see cref="ClaimResolver"/>), then wakes the duplicates.</summary>
    /// <param name="threw">Whether an exception escaped the pipeline.</param>
    public async Task FinishAsync(bool threw)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        _renewal?.Dispose();
        IdempotentResponse? stored = null;
        try
        {
            stored = await _gate.ResolveAsync(this, threw);
        }
        finally
        {
            _body?.Dispose();
            End(stored);
        }
    }

    /// <summary>Ends this request's part in the key without a claim (a replay, a refusal, a wait): wakes local duplicates.</summary>
    /// <param name="response">The stored response they may replay, if known.</param>
    public void Abandon(IdempotentResponse? response)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            End(response);
        }
    }

    /// <summary>The safety net when no middleware finished the claim (the host did not call <c>UseThreadSync</c>): end it as the response says.</summary>
    public ValueTask DisposeAsync() => new(FinishAsync(threw: false));

    private void End(IdempotentResponse? response)
    {
        _gate.Forget(this);
        _finished.TrySetResult(response);
    }

    private void Renew()
    {
        if (Interlocked.Exchange(ref _renewing, 1) != 0)
        {
            return;
        }

        _ = RenewAsync();

        async Task RenewAsync()
        {
            try
            {
                await _gate.RenewAsync(this);
            }
            finally
            {
                Volatile.Write(ref _renewing, 0);
            }
        }
    }
}
