using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Usage;

namespace ThreadSync.Gateway.Pipeline.Internal;

/// <summary>
/// The governed pipeline as an <see cref="IChatClient"/>: establishes the request context, plans the route (model and
/// fallbacks), calls providers through retries, fallbacks and circuit breakers, and prices the usage.
/// Both the HTTP endpoints and in-process callers come through here, so there is no side door.
/// </summary>
internal sealed class GatewayChatClient : IChatClient
{
    private readonly RoutePlanner _planner;
    private readonly FailoverExecutor _executor;
    private readonly ChatClientMetadata _metadata = new("threadsync");

    public GatewayChatClient(RoutePlanner planner, FailoverExecutor executor)
    {
        _planner = planner;
        _executor = executor;
    }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (context, plan, providerOptions) = Prepare(messages, options);
        var response = await _executor.GetResponseAsync(plan, messages, providerOptions, context, cancellationToken).ConfigureAwait(false);
        var model = context.Model!;
        context.Usage = CostCalculator.Compute(model, response.Usage);
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
        await foreach (var update in _executor.GetStreamingResponseAsync(plan, messages, providerOptions, context, cancellationToken).ConfigureAwait(false))
        {
            var model = context.Model!;
            update.ModelId ??= model.Id;
            foreach (var content in update.Contents)
            {
                if (content is UsageContent usage)
                {
                    context.Usage = CostCalculator.Compute(model, usage.Details);
                    (update.AdditionalProperties ??= [])[GatewayChatOptionsExtensions.ContextKey] = context;
                }
            }

            yield return update;
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
