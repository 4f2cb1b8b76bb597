using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using ThreadSync.Gateway.Errors.Internal;
using ThreadSync.Gateway.Providers.Internal;
using ThreadSync.Gateway.Resilience;
using ThreadSync.Gateway.Routing.Internal;

namespace ThreadSync.Gateway.Pipeline.Internal;

/// <summary>
/// Calls the candidates of a <see cref="RouteDecision"/> in order, retrying and falling back per <see cref="ResilienceOptions"/>,
/// through each provider's circuit breaker. A stream falls back only before its first token: until then nothing has
/// reached the client, afterwards a failure ends the stream with an error.
/// </summary>
internal sealed class FailoverExecutor
{
    private readonly ResilienceOptions _settings;
    private readonly ProviderClientRegistry _providers;
    private readonly ProviderCircuitBreakers _breakers;
    private readonly ModelLatencyTracker _latency;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public FailoverExecutor(
        IOptions<GatewayOptions> options,
        ProviderClientRegistry providers,
        ProviderCircuitBreakers breakers,
        ModelLatencyTracker latency,
        TimeProvider time,
        ILogger<FailoverExecutor> logger)
    {
        _settings = options.Value.Resilience;
        _providers = providers;
        _breakers = breakers;
        _latency = latency;
        _time = time;
        _logger = logger;
    }

    public Task<ChatResponse> GetResponseAsync(
        RouteDecision decision,
        IEnumerable<ChatMessage> messages,
        ChatOptions options,
        GatewayRequestContext context,
        CancellationToken cancellationToken) =>
        FirstSuccessAsync(
            new FailoverRun(decision, _providers, _settings, _breakers, _time, context),
            messages,
            options,
            context,
            static (call, token) => call.GetResponseAsync(token),
            cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        RouteDecision decision,
        IEnumerable<ChatMessage> messages,
        ChatOptions options,
        GatewayRequestContext context,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var run = new FailoverRun(decision, _providers, _settings, _breakers, _time, context);

        // Attempts end at the first token, so the latency the router learns for streams is time to first token.
        var start = await FirstSuccessAsync(run, messages, options, context, static (call, token) => call.OpenStreamAsync(token), cancellationToken)
            .ConfigureAwait(false);
        var model = run.Current;
        await using var stream = start.ConfigureAwait(false);
        foreach (var update in start.FirstUpdates)
        {
            yield return update;
        }

        if (start.Ended)
        {
            yield break;
        }

        while (true)
        {
            ChatResponseUpdate update;
            try
            {
                if (!await start.Updates.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }

                update = start.Updates.Current;
            }
            catch (ProviderException ex)
            {
                throw await StreamBrokeAsync(context, model, ex).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && start.TimedOut)
            {
                // The first-token deadline fired just as the first token arrived: the stream is cut, which is a timeout.
                throw await StreamBrokeAsync(context, model, Call.Timeout(model.Provider, "did not send its first token in time", ex)).ConfigureAwait(false);
            }

            yield return update;
        }
    }

    /// <summary>
    /// Runs attempts, retries and fallbacks included, until one succeeds: each through its provider's breaker, bounded by
    /// what is left of the budget. Records the serving route and its latency; throws the run's error when all fail.
    /// </summary>
    private async Task<T> FirstSuccessAsync<T>(
        FailoverRun run,
        IEnumerable<ChatMessage> messages,
        ChatOptions options,
        GatewayRequestContext context,
        Func<Call, CancellationToken, ValueTask<T>> attempt,
        CancellationToken cancellationToken)
    {
        while (run.TryBegin(out var wait))
        {
            await WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            var candidate = new RouteCandidate(run.Current, run.Client);
            options.ModelId = candidate.Model.Id;
            run.Started();
            try
            {
                var call = new Call(this, candidate, messages, options, run.Remaining);
                var result = await _breakers.For(candidate.Model.Provider)
                    .ExecuteAsync(static (state, token) => state.Attempt(state.Call, token), (Call: call, Attempt: attempt), cancellationToken)
                    .ConfigureAwait(false);
                run.Succeeded();
                _latency.Record(candidate.Model, run.Elapsed);
                return result;
            }
            catch (ProviderException ex)
            {
                LogFailure(context, candidate, ex, run.Elapsed);
                run.Failed(ex);
            }
            catch (BrokenCircuitException)
            {
                PipelineLog.ProviderSkipped(_logger, context.CorrelationId, candidate.Model.Provider.ToWireId(), candidate.Model.Id);
                run.RejectedByBreaker();
            }
        }

        throw run.Exhausted();
    }

    private async ValueTask<GatewayException> StreamBrokeAsync(GatewayRequestContext context, ModelDescriptor model, ProviderException failure)
    {
        await _breakers.RecordFailureAsync(failure).ConfigureAwait(false);
        var error = UpstreamErrorMapper.Map(failure, model.Id);
        PipelineLog.StreamBroke(_logger, context.CorrelationId, model.Provider.ToWireId(), model.Id, error.Code);
        return error;
    }

    private async Task WaitAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        // A back-off is waiting on the provider (its Retry-After, or its overload), not the gateway's own time.
        var start = Stopwatch.GetTimestamp();
        try
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            GatewayTiming.Current?.AddUpstreamSince(start);
        }
    }

    private void LogFailure(GatewayRequestContext context, RouteCandidate candidate, ProviderException failure, TimeSpan elapsed) =>
        PipelineLog.AttemptFailed(
            _logger,
            context.CorrelationId,
            candidate.Model.Provider.ToWireId(),
            candidate.Model.Id,
            failure.Kind.ToString(),
            failure.StatusCode,
            (long)elapsed.TotalMilliseconds);

    /// <summary>A model and the client of its provider.</summary>
    private readonly record struct RouteCandidate(ModelDescriptor Model, IChatClient Client);

    /// <summary>One upstream call, bounded by what is left of the request's time budget.</summary>
    private sealed class Call(FailoverExecutor owner, RouteCandidate candidate, IEnumerable<ChatMessage> messages, ChatOptions options, TimeSpan remaining)
    {
        public static ProviderException Timeout(GatewayProvider provider, string what, Exception inner) =>
            new(provider, ProviderFailureKind.Timeout, $"Provider '{provider.ToWireId()}' {what}.", innerException: inner);

        public async ValueTask<ChatResponse> GetResponseAsync(CancellationToken cancellationToken)
        {
            using var deadline = new CancellationTokenSource(remaining, owner._time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            try
            {
                return await candidate.Client.GetResponseAsync(messages, options, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw Timeout(candidate.Model.Provider, "did not answer within the request's time budget", ex);
            }
        }

        public async ValueTask<StreamStart> OpenStreamAsync(CancellationToken cancellationToken)
        {
            var firstTokenDeadline = owner._settings.FirstTokenTimeout == System.Threading.Timeout.InfiniteTimeSpan || owner._settings.FirstTokenTimeout > remaining
                ? remaining
                : owner._settings.FirstTokenTimeout;
            var timer = new CancellationTokenSource(firstTokenDeadline, owner._time);
            var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            var updates = candidate.Client.GetStreamingResponseAsync(messages, options, linked.Token).GetAsyncEnumerator(linked.Token);
            var read = new List<ChatResponseUpdate>(2);
            try
            {
                while (await updates.MoveNextAsync().ConfigureAwait(false))
                {
                    var update = updates.Current;
                    read.Add(update);
                    if (IsFirstToken(update))
                    {
                        // From here the stream is bounded by the provider's silence timeout only.
                        timer.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);
                        return new StreamStart(updates, read, ended: false, timer, linked);
                    }
                }

                return new StreamStart(updates, read, ended: true, timer, linked);
            }
            catch (Exception ex)
            {
                await updates.DisposeAsync().ConfigureAwait(false);
                linked.Dispose();
                var timedOut = timer.IsCancellationRequested;
                timer.Dispose();
                if (ex is OperationCanceledException && timedOut && !cancellationToken.IsCancellationRequested)
                {
                    throw Timeout(candidate.Model.Provider, "did not send its first token in time", ex);
                }

                throw;
            }
        }

        /// <summary>
        /// Gets a value indicating whether an update carries something the model generated: text, reasoning, a tool call or
        /// a finish. Usage alone does not count (Anthropic reports input tokens before generating anything).
        /// </summary>
        private static bool IsFirstToken(ChatResponseUpdate update)
        {
            if (update.FinishReason is not null)
            {
                return true;
            }

            var contents = update.Contents;
            for (var i = 0; i < contents.Count; i++)
            {
                if (contents[i] is not (TextContent { Text.Length: 0 } or UsageContent))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
