namespace ThreadSync.Gateway;

/// <summary>How the gateway chose the model that served a request (reported as <c>route_method</c>).</summary>
public static class RouteMethod
{
    /// <summary>The caller named the model.</summary>
    public const string Pinned = "pinned";

    /// <summary>The caller named no model and the configured default served it.</summary>
    public const string Default = "default";

    /// <summary>A fallback model served the request after the routed one failed or was out of rotation.</summary>
    public const string Fallback = "fallback";
}
