using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Errors.Internal;
using ThreadSync.Gateway.Providers.Internal;
using ThreadSync.Gateway.Resilience;
using ThreadSync.Gateway.Routing.Internal;

namespace ThreadSync.Gateway.Pipeline.Internal;

/// <summary>
/// The retry-and-fallback state of one request: which candidate is next, whether to retry it and after what wait,
/// and the single attempt and time budget shared by every retry and fallback. Not thread-safe; one per request.
/// </summary>
internal sealed class FailoverRun
{
    private readonly RouteDecision _decision;
    private readonly IReadOnlyList<ModelDescriptor> _candidates;
    private readonly ProviderClientRegistry _providers;
    private readonly ResilienceOptions _settings;
    private readonly ProviderCircuitBreakers _breakers;
    private readonly TimeProvider _time;
    private readonly GatewayRequestContext _context;
    private readonly long _deadline;
    private int _index = -1;
    private int _calls;
    private int _retriesOfCurrent;
    private bool _retryCurrent;
    private TimeSpan _pendingWait;
    private int _excludedProviders;
    private long _attemptStarted;
    private GatewayException? _lastError;
    private IChatClient? _client;

    public FailoverRun(in RouteDecision decision, ProviderClientRegistry providers, ResilienceOptions settings, ProviderCircuitBreakers breakers, TimeProvider time, GatewayRequestContext context)
    {
        _decision = decision;
        _candidates = decision.Candidates;
        _providers = providers;
        _settings = settings;
        _breakers = breakers;
        _time = time;
        _context = context;
        _deadline = time.GetTimestamp() + (long)(settings.RequestTimeout.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Gets the model of the current attempt.</summary>
    public ModelDescriptor Current => _candidates[_index];

    /// <summary>Gets the provider client of the current attempt.</summary>
    public IChatClient Client => _client!;

    /// <summary>Gets the time left in the request's budget.</summary>
    public TimeSpan Remaining
    {
        get
        {
            var left = _deadline - _time.GetTimestamp();
            return left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)left / _time.TimestampFrequency);
        }
    }

    /// <summary>Gets how long the current attempt has run.</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_attemptStarted);

    /// <summary>Picks the next attempt: the current model again when a retry is due, else the next usable candidate.</summary>
    /// <param name="wait">How long to wait before the attempt (a retry's backoff or the provider's Retry-After).</param>
    /// <returns><see langword="false"/> when the budget or the chain is exhausted; then throw <see cref="Exhausted"/>.</returns>
    public bool TryBegin(out TimeSpan wait)
    {
        wait = TimeSpan.Zero;
        if (_calls >= _settings.MaxAttempts)
        {
            return false;
        }

        if (_retryCurrent)
        {
            _retryCurrent = false;
            wait = _pendingWait;
        }
        else if (!MoveToNextCandidate())
        {
            return false;
        }

        // Waiting past the deadline would only end in a timeout: report the failure we have now instead.
        if (wait >= Remaining)
        {
            return false;
        }

        _calls++;
        return true;
    }

    /// <summary>Marks the start of the attempt's upstream call, after any wait.</summary>
    public void Started()
    {
        _attemptStarted = _time.GetTimestamp();
        _context.AttemptInFlight = true;
    }

    /// <summary>Records a failed attempt and decides what comes next.</summary>
    /// <exception cref="GatewayException">The failure is the request's fault; no retry or fallback can help.</exception>
    public void Failed(ProviderException failure)
    {
        var model = Current;
        var error = UpstreamErrorMapper.Map(failure, model.Id);
        _lastError = error;
        _context.AttemptInFlight = false;
        _context.AddFailedAttempt(new GatewayAttempt(model.Id, model.Provider, error.Code, Elapsed));
        if (FailureClassifier.IsOutcomeUnknown(failure))
        {
            // The provider may have run it: with an idempotency key, running it again could run it twice.
            _context.UpstreamOutcomeUnknown = true;
            if (_context.AtMostOnce)
            {
                throw error;
            }
        }

        switch (FailureClassifier.Classify(failure))
        {
            case FailureDisposition.FailRequest:
                throw error;
            case FailureDisposition.NextProvider:
                _excludedProviders |= 1 << (int)model.Provider;
                break;
            case FailureDisposition.Retry when _retriesOfCurrent < _settings.MaxRetriesPerModel:
                var wait = failure.RetryAfter ?? Backoff(_retriesOfCurrent);
                if (wait <= _settings.MaxRetryDelay)
                {
                    _retriesOfCurrent++;
                    _retryCurrent = true;
                    _pendingWait = wait;
                }

                break;
        }
    }

    /// <summary>Records that the provider's breaker refused the attempt (a half-open probe was already in flight): no call was made.</summary>
    public void RejectedByBreaker()
    {
        _calls--;
        _context.AttemptInFlight = false;
        var model = Current;
        _context.AddFailedAttempt(new GatewayAttempt(model.Id, model.Provider, GatewayAttempt.CircuitOpen, TimeSpan.Zero));
    }

    /// <summary>Records the attempt that served the request on the request context.</summary>
    public void Succeeded()
    {
        _context.AttemptInFlight = false;
        var model = Current;
        _context.Model = model;
        _context.Provider = model.Provider;
        if (_index == 0)
        {
            // Served by the routed model itself, possibly after retries of it.
            _context.RouteMethod = _decision.Method;
            _context.RouteReason = _context.RemappedFrom is { } retired ? $"{_decision.Reason}; retired {retired} remapped to {model.Id}" : _decision.Reason;
            return;
        }

        var first = _context.FailedAttempts[0];
        _context.RouteMethod = RouteMethod.Fallback;
        _context.RouteReason = $"fallback: {first.ModelId} {first.Outcome} -> {model.Id}; {_decision.Method}: {_decision.Reason}";
    }

    /// <summary>The error to report when every attempt failed or was skipped.</summary>
    public GatewayException Exhausted() =>
        _lastError ?? new GatewayException(
            503,
            GatewayErrorCodes.UpstreamUnavailable,
            "Every provider that can serve this request is failing and temporarily out of rotation. Retry later.",
            retryAfter: _settings.CircuitBreaker.BreakDuration);

    private bool MoveToNextCandidate()
    {
        while (++_index < _candidates.Count)
        {
            var model = Current;
            if ((_excludedProviders & (1 << (int)model.Provider)) != 0 || !_providers.TryGet(model.Provider, out _client))
            {
                // Another model of a provider whose account failed, or a fallback whose provider is not configured here.
                continue;
            }

            if (_breakers.IsOpen(model.Provider))
            {
                _context.AddFailedAttempt(new GatewayAttempt(model.Id, model.Provider, GatewayAttempt.CircuitOpen, TimeSpan.Zero));
                continue;
            }

            _retriesOfCurrent = 0;
            return true;
        }

        return false;
    }

    private TimeSpan Backoff(int retry)
    {
        // Exponential with ±20% jitter so that clients failing together do not retry together.
        var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
        var delay = _settings.RetryBaseDelay * Math.Pow(2, retry) * jitter;
        return delay <= _settings.MaxRetryDelay ? delay : _settings.MaxRetryDelay;
    }
}
