using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using ThreadSync.Gateway.Providers.Internal;

namespace ThreadSync.Gateway.Resilience;

/// <summary>
/// One Polly circuit breaker per provider. Calls to a provider run through its breaker; an open breaker takes the provider
/// out of routing until a half-open probe succeeds.
/// </summary>
internal sealed class ProviderCircuitBreakers
{
    private readonly ResiliencePipeline[] _pipelines;
    private readonly long[] _openUntil;
    private readonly TimeProvider _time;

    public ProviderCircuitBreakers(IOptions<GatewayOptions> options, TimeProvider timeProvider)
    {
        _time = timeProvider;
        var settings = options.Value.Resilience.CircuitBreaker;
        var providers = Enum.GetValues<GatewayProvider>();
        _pipelines = new ResiliencePipeline[providers.Length];
        _openUntil = new long[providers.Length];
        foreach (var provider in providers)
        {
            if (!settings.Enabled)
            {
                _pipelines[(int)provider] = ResiliencePipeline.Empty;
                continue;
            }

            _pipelines[(int)provider] = new ResiliencePipelineBuilder { TimeProvider = timeProvider, Name = "ThreadSync.Provider." + provider.ToConfigName() }
                .AddCircuitBreaker(new CircuitBreakerStrategyOptions
                {
                    FailureRatio = settings.FailureRatio,
                    MinimumThroughput = settings.MinimumThroughput,
                    SamplingDuration = settings.SamplingDuration,
                    BreakDuration = settings.BreakDuration,
                    OnOpened = args =>
                    {
                        // Polly moves to half-open only when a call is attempted; remember when that becomes possible,
                        // so routing offers the provider again for the probe.
                        var until = timeProvider.GetTimestamp() + (long)(args.BreakDuration.TotalSeconds * timeProvider.TimestampFrequency);
                        Volatile.Write(ref _openUntil[(int)provider], until);
                        return default;
                    },
                    OnClosed = _ =>
                    {
                        Volatile.Write(ref _openUntil[(int)provider], 0);
                        return default;
                    },
                    ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is ProviderException failure && IsProviderFault(failure)),
                })
                .Build();
        }
    }

    /// <summary>
    /// Gets a value indicating whether the provider's breaker is open and its break not yet over (the provider is out of
    /// routing). Once the break is over the provider is offered again, and the next call is Polly's half-open probe.
    /// </summary>
    public bool IsOpen(GatewayProvider provider)
    {
        // Our own record of the break, not Polly's CircuitState, which takes a lock: routing asks for every candidate.
        var until = Volatile.Read(ref _openUntil[(int)provider]);
        return until != 0 && _time.GetTimestamp() < until;
    }

    /// <summary>Gets the pipeline every call to the provider runs through.</summary>
    public ResiliencePipeline For(GatewayProvider provider) => _pipelines[(int)provider];

    /// <summary>Records a failure that happened outside a pipeline call, such as a stream breaking after its first token.</summary>
    public async ValueTask RecordFailureAsync(ProviderException failure)
    {
        if (!IsProviderFault(failure) || _pipelines[(int)failure.Provider] == ResiliencePipeline.Empty)
        {
            return;
        }

        // Executing a failed outcome through the breaker is how Polly is told about a failure it did not run;
        // an open breaker answers with BrokenCircuitException, which changes nothing.
        var context = ResilienceContextPool.Shared.Get();
        try
        {
            await _pipelines[(int)failure.Provider]
                .ExecuteOutcomeAsync(static (_, f) => ValueTask.FromResult(Outcome.FromException<bool>(f)), context, failure)
                .ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// Gets a value indicating whether a failure says the provider itself is unhealthy: 5xx and 529, timeouts, unreachable
    /// hosts, unreadable or broken responses. Client errors, rate limits and quota are about the request or the account.
    /// </summary>
    public static bool IsProviderFault(ProviderException failure) => failure.Kind switch
    {
        ProviderFailureKind.Timeout or ProviderFailureKind.Unavailable or ProviderFailureKind.MalformedResponse or ProviderFailureKind.StreamTruncated => true,
        ProviderFailureKind.StreamError => failure.IsRetryable,
        ProviderFailureKind.HttpError => failure.StatusCode is >= 500 or 408,
        _ => false,
    };
}
