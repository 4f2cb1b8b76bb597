using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway.Pipeline.Internal;

/// <summary>Turns a request into a <see cref="RoutePlan"/>: the routed model first, then its fallback chain.</summary>
internal sealed class RoutePlanner
{
    private readonly ModelRouter _router;

    public RoutePlanner(ModelRouter router)
    {
        _router = router;
    }

    public RoutePlan Plan(IEnumerable<ChatMessage> messages, ChatOptions? options, GatewayRequestContext context)
    {
        var (model, routeMethod, client) = _router.Resolve(options?.ModelId);
        return new RoutePlan([new RouteCandidate(model, client)], routeMethod, routeMethod);
    }
}
