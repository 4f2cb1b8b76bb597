using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Usage;

namespace ThreadSync.Gateway.Pipeline.Internal;

/// <summary>
/// The governed pipeline as an <see cref="IChatClient"/>: establishes the request context, plans the route (model and
/// fallbacks), calls providers through retries, fallbacks and circuit breakers, and prices the usage — streams
/// included, however they end. Both the HTTP endpoints and in-process callers come through here, so there is no side door.
/// </summary>
internal sealed class GatewayChatClient : IChatClient
{
    private readonly RoutePlanner _planner;
    private readonly FailoverExecutor _executor;
    private readonly TimeProvider _timeProvider;
    private readonly ChatClientMetadata _metadata = new("threadsync");

    public GatewayChatClient(RoutePlanner planner, FailoverExecutor executor, TimeProvider timeProvider)
    {
        _planner = planner;
        _executor = executor;
        _timeProvider = timeProvider;
    }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (context, plan, providerOptions) = Prepare(messages, options);
        var costContext = CostContext.Create(options, _timeProvider.GetUtcNow());
        var response = await _executor.GetResponseAsync(plan, messages, providerOptions, context, cancellationToken).ConfigureAwait(false);
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
        var (context, plan, providerOptions) = Prepare(messages, options);
        var costContext = CostContext.Create(options, _timeProvider.GetUtcNow());
        var accumulator = new StreamUsageAccumulator(messages, options);
        var started = false;
        try
        {
            await foreach (var update in _executor.GetStreamingResponseAsync(plan, messages, providerOptions, context, cancellationToken).ConfigureAwait(false))
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

    private (GatewayRequestContext Context, RoutePlan Plan, ChatOptions ProviderOptions) Prepare(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        if (!options.TryGetGatewayContext(out var context))
        {
            context = new GatewayRequestContext(GatewayCaller.InProcess);
        }

        var plan = _planner.Plan(messages, options, context);

        // Each attempt sets the catalog id of its model on this copy; the caller's options object is left untouched.
        var providerOptions = options?.Clone() ?? new ChatOptions();
        return (context, plan, providerOptions);
    }
}
