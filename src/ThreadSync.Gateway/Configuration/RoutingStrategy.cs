namespace ThreadSync.Gateway;

/// <summary>How automatic routing ranks the models that can serve a request.</summary>
public enum RoutingStrategy
{
    /// <summary>The configured preference order of the request's intent.</summary>
    Balanced,

    /// <summary>The lowest estimated cost of this request, from the catalog's list prices; preference order breaks ties.</summary>
    Cost,

    /// <summary>
    /// The lowest observed latency (a moving average of time to first token, or total time when not streaming); models
    /// not yet observed come after observed ones, in preference order.
    /// </summary>
    Latency,
}
