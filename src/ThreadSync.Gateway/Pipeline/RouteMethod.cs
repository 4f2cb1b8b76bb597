namespace ThreadSync.Gateway;

/// <summary>How the gateway chose the model that served a request (reported as <c>route_method</c>).</summary>
public static class RouteMethod
{
    /// <summary>The model was named: by the caller, or by <c>ThreadSync:DefaultModel</c> when the caller named none (reason <c>default_model</c>).</summary>
    public const string Pinned = "pinned";

    /// <summary>The caller asked for automatic routing and the gateway's heuristics chose the model.</summary>
    public const string Heuristic = "heuristic";

    /// <summary>The caller asked for automatic routing and the configured router model chose the model.</summary>
    public const string AutoRouter = "auto_router";

    /// <summary>The chosen model was unavailable or failed, and a model from its fallback chain served the request.</summary>
    public const string Fallback = "fallback";
}
