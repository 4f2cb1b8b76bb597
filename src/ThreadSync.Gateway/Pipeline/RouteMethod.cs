namespace ThreadSync.Gateway;

/// <summary>How the gateway chose the model that served a request (reported as <c>route_method</c>).</summary>
public static class RouteMethod
{
    /// <summary>The caller named the model.</summary>
    public const string Pinned = "pinned";

    /// <summary>The caller named no model and the configured default served it.</summary>
    public const string Default = "default";

    /// <summary>The caller asked for automatic routing and the gateway's heuristics chose the model.</summary>
    public const string Heuristic = "heuristic";

    /// <summary>The caller asked for automatic routing and the configured router model chose the model.</summary>
    public const string AutoRouter = "auto_router";

    /// <summary>The chosen model was unavailable or failed, and a model from its fallback chain served the request.</summary>
    public const string Fallback = "fallback";
}
