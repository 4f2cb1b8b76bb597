using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Errors.Internal;
using ThreadSync.Gateway.Providers.Internal;
using ThreadSync.Gateway.Usage;

namespace ThreadSync.Gateway.Pipeline.Internal;

/// <summary>
/// The governed pipeline as an <see cref="IChatClient"/>: establishes the request context, routes to a
/// catalog model and its provider, maps provider failures to client-safe errors, and prices the usage.
/// Both the HTTP endpoints and in-process callers come through here, so there is no side door.
/// </summary>
internal sealed class GatewayChatClient : IChatClient
{
    private readonly ModelRouter _router;
    private readonly TimeProvider _timeProvider;
    private readonly ChatClientMetadata _metadata = new("threadsync");

    public GatewayChatClient(ModelRouter router, TimeProvider timeProvider)
    {
        _router = router;
        _timeProvider = timeProvider;
    }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (context, client, providerOptions) = Prepare(options);
        ChatResponse response;
        try
        {
            response = await client.GetResponseAsync(messages, providerOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderException ex)
        {
            throw UpstreamErrorMapper.Map(ex, context.Model!.Id);
        }

        context.Usage = CostCalculator.Compute(context.Model!, response.Usage, CostContext.Create(options, _timeProvider.GetUtcNow()));
        response.ModelId ??= context.Model!.Id;
        (response.AdditionalProperties ??= [])[GatewayChatOptionsExtensions.ContextKey] = context;
        return response;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (context, client, providerOptions) = Prepare(options);
        var model = context.Model!;
        var costContext = CostContext.Create(options, _timeProvider.GetUtcNow());
        var updates = client.GetStreamingResponseAsync(messages, providerOptions, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using var updatesScope = updates.ConfigureAwait(false);
        while (true)
        {
            ChatResponseUpdate update;
            try
            {
                if (!await updates.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }

                update = updates.Current;
            }
            catch (ProviderException ex)
            {
                throw UpstreamErrorMapper.Map(ex, model.Id);
            }

            update.ModelId ??= model.Id;
            foreach (var content in update.Contents)
            {
                if (content is UsageContent usage)
                {
                    context.Usage = CostCalculator.Compute(model, usage.Details, costContext);
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

    private (GatewayRequestContext Context, IChatClient Client, ChatOptions ProviderOptions) Prepare(ChatOptions? options)
    {
        if (!options.TryGetGatewayContext(out var context))
        {
            context = new GatewayRequestContext(GatewayCaller.InProcess);
        }

        var (model, routeMethod, client) = _router.Resolve(options?.ModelId);

        context.Model = model;
        context.Provider = model.Provider;
        context.RouteMethod = routeMethod;

        // The provider sees the catalog id, never an alias; the caller's options object is left untouched.
        var providerOptions = options?.Clone() ?? new ChatOptions();
        providerOptions.ModelId = model.Id;
        return (context, client, providerOptions);
    }
}
