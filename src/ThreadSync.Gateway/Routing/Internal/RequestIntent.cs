namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>What a request is mainly about, as far as routing cares. Values index per-intent tables.</summary>
internal enum RequestIntent : byte
{
    /// <summary>No intent (pinned and default routes).</summary>
    None = 0,

    /// <summary><see cref="RoutingIntents.General"/>.</summary>
    General,

    /// <summary><see cref="RoutingIntents.Code"/>.</summary>
    Code,

    /// <summary><see cref="RoutingIntents.Search"/>.</summary>
    Search,

    /// <summary><see cref="RoutingIntents.Reasoning"/>.</summary>
    Reasoning,

    /// <summary><see cref="RoutingIntents.Fast"/>.</summary>
    Fast,

    /// <summary><see cref="RoutingIntents.Vision"/>.</summary>
    Vision,

    /// <summary><see cref="RoutingIntents.LongContext"/>.</summary>
    LongContext,
}
