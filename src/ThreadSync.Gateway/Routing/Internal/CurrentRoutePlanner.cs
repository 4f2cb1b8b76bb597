using Microsoft.Extensions.Options;

namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>
/// Hands out the <see cref="RoutePlanner"/> of the current catalog snapshot. The planner precomputes its routes and
/// policies from the catalog, so when the catalog reloads (<see cref="IModelCatalog.Version"/> moves) a new planner is
/// built once and swapped in; requests in flight keep the one they started with.
/// </summary>
internal sealed class CurrentRoutePlanner
{
    private readonly IModelCatalog _catalog;
    private readonly IOptions<GatewayOptions> _options;
    private readonly IModelAvailability _availability;
    private readonly ModelLatencyTracker _latency;
    private readonly LlmRouter _llmRouter;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _rebuild = new();
    private volatile Built _current;

    public CurrentRoutePlanner(
        IModelCatalog catalog,
        IOptions<GatewayOptions> options,
        IModelAvailability availability,
        ModelLatencyTracker latency,
        LlmRouter llmRouter,
        TimeProvider timeProvider)
    {
        _catalog = catalog;
        _options = options;
        _availability = availability;
        _latency = latency;
        _llmRouter = llmRouter;
        _timeProvider = timeProvider;
        _current = Build();
    }

    /// <summary>Gets the planner of the current catalog snapshot.</summary>
    public RoutePlanner Planner
    {
        get
        {
            var current = _current;
            if (current.CatalogVersion == _catalog.Version)
            {
                return current.Planner;
            }

            lock (_rebuild)
            {
                if (_current.CatalogVersion != _catalog.Version)
                {
                    _current = Build();
                }

                return _current.Planner;
            }
        }
    }

    private Built Build()
    {
        // Read the version first: a reload racing with the build then only causes one more rebuild, never a stale planner.
        var version = _catalog.Version;
        var planner = new RoutePlanner(_catalog, new RoutingPolicyResolver(_options, _catalog), _availability, _latency, _llmRouter, _timeProvider, _options);
        return new Built(version, planner);
    }

    private sealed record Built(long CatalogVersion, RoutePlanner Planner);
}
