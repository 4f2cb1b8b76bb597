namespace ThreadSync.Gateway;

/// <summary>How the gateway chooses a model for a request that asks for automatic routing.</summary>
public enum RoutingMode
{
    /// <summary>Local heuristics on the request's text, attachments and options: no extra call, a couple of microseconds at most.</summary>
    Heuristic,

    /// <summary>
    /// A small router model (<see cref="RoutingOptions.RouterModel"/>) picks among the candidates the heuristics found;
    /// on timeout, error or an unusable answer the heuristic choice serves the request.
    /// </summary>
    LlmRouter,
}
