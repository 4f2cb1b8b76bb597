namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>How a call to the router model ended.</summary>
internal enum LlmRouterOutcome
{
    /// <summary>The router named one of the candidates.</summary>
    Chosen,

    /// <summary>The router did not answer within its deadline.</summary>
    Timeout,

    /// <summary>The router call failed.</summary>
    Error,

    /// <summary>The router answered, but with no candidate's id or alias.</summary>
    UnknownAnswer,
}
