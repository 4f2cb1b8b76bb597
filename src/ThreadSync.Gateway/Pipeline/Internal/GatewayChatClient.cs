using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Providers.Internal;
using ThreadSync.Gateway.Routing.Internal;
using ThreadSync.Gateway.Usage;

namespace ThreadSync.Gateway.Pipeline.Internal;

/// <summary>
/// The governed pipeline as an <see cref="IChatClient"/>: establishes the request context, plans the route (model and
/// fallbacks), calls providers through retries, fallbacks and circuit breakers, and prices the usage — streams
/// included, however they end. Both the HTTP endpoints and in-process callers come through here, so there is no side door.
/// </summary>
internal sealed class GatewayChatClient : IChatClient
{
    /// <summary>The model name that asks the gateway to choose, as <c>auto_route: true</c> does.</summary>
    public const string AutoModel = "auto";

    private readonly CurrentRoutePlanner _planners;
    private readonly RetiredModelResolver _retired;
    private readonly ProviderClientRegistry _providers;
    private readonly FailoverExecutor _executor;
    private readonly TimeProvider _timeProvider;
    private readonly ChatClientMetadata _metadata = new("threadsync");

    public GatewayChatClient(
        CurrentRoutePlanner planners,
        RetiredModelResolver retired,
        ProviderClientRegistry providers,
        FailoverExecutor executor,
        TimeProvider timeProvider)
    {
        _planners = planners;
        _retired = retired;
        _providers = providers;
        _executor = executor;
        _timeProvider = timeProvider;
    }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var costContext = CostContext.Create(options, _timeProvider.GetUtcNow());
        var (context, decision, providerOptions) = await PrepareAsync(messages, options, costContext, cancellationToken).ConfigureAwait(false);
        var response = await _executor.GetResponseAsync(decision, messages, providerOptions, context, cancellationToken).ConfigureAwait(false);
        var model = context.Model!;
        context.Usage = CostCalculator.Compute(model, response.Usage, costContext);
        response.ModelId ??= model.Id;
        (response.AdditionalProperties ??= [])[GatewayChatOptionsExtensions.ContextKey] = context;
        return response;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var costContext = CostContext.Create(options, _timeProvider.GetUtcNow());
        var (context, decision, providerOptions) = await PrepareAsync(messages, options, costContext, cancellationToken).ConfigureAwait(false);
        var accumulator = new StreamUsageAccumulator(messages, options);
        var started = false;
        try
        {
            await foreach (var update in _executor.GetStreamingResponseAsync(decision, messages, providerOptions, context, cancellationToken).ConfigureAwait(false))
            {
                started = true;
                var model = context.Model!;
                update.ModelId ??= model.Id;
                accumulator.Observe(update);
                foreach (var content in update.Contents)
                {
                    if (content is UsageContent)
                    {
                        context.Usage = CostCalculator.Compute(model, accumulator.GetUsage(), costContext);
                        (update.AdditionalProperties ??= [])[GatewayChatOptionsExtensions.ContextKey] = context;
                        break;
                    }
                }

                yield return update;
            }
        }
        finally
        {
            // However the stream ended (finished, broken mid-way, or the client went away), bill what was produced:
            // the provider's counts where it reported them, estimates for the rest.
            if (started)
            {
                context.Usage = CostCalculator.Compute(context.Model!, accumulator.GetUsage(), costContext);
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        // Provider clients are owned by the provider registry, a DI singleton.
    }

    private async ValueTask<(GatewayRequestContext Context, RouteDecision Decision, ChatOptions ProviderOptions)> PrepareAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        CostContext costContext,
        CancellationToken cancellationToken)
    {
        if (!options.TryGetGatewayContext(out var context))
        {
            context = new GatewayRequestContext(GatewayCaller.InProcess);
        }

        var planner = _planners.Planner;
        var policy = planner.PolicyFor(context.Caller.OrgId);
        var model = options?.ModelId;
        RouteDecision decision;
        if (context.AutoRoute || string.Equals(model, AutoModel, StringComparison.OrdinalIgnoreCase))
        {
            IChatClient? routerClient = null;
            if (policy.RouterModel is { } router)
            {
                _providers.TryGet(router.Provider, out routerClient);
            }

            decision = await planner.DecideAutoAsync(messages, options, policy, routerClient, isAllowed: null, cancellationToken).ConfigureAwait(false);
            if (decision.RouterModel is { } routerModel && decision.RouterUsage is { } routerUsage)
            {
                // The router call is the caller's too: it is priced and kept for billing beside the answer's own usage.
                context.RouterUsage = CostCalculator.Compute(routerModel, routerUsage, costContext);
            }
        }
        else if (string.IsNullOrWhiteSpace(model))
        {
            decision = planner.DecideDefault();
        }
        else
        {
            var name = _retired.Resolve(model, policy.RetiredModels, costContext.Date, out var remappedFrom);
            decision = planner.DecidePinned(name);
            context.RemappedFrom = remappedFrom;
        }

        // Each attempt sets the catalog id of its model on this copy; the caller's options object is left untouched.
        var providerOptions = options?.Clone() ?? new ChatOptions();
        return (context, decision, providerOptions);
    }
}
