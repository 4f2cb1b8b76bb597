namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>What precedes the heuristic part of a route reason.</summary>
internal enum RouteReasonPrefix : byte
{
    /// <summary>Nothing: <c>intent=...; needs=...; strategy=...; chose=...</c>.</summary>
    None,

    /// <summary>The router model chose: <c>router=&lt;id&gt;; intent=...; needs=...; chose=...</c>.</summary>
    RouterChose,

    /// <summary><c>llm_router_timeout; </c> then the heuristic reason.</summary>
    LlmRouterTimeout,

    /// <summary><c>llm_router_error; </c> then the heuristic reason.</summary>
    LlmRouterError,

    /// <summary><c>llm_router_unknown_answer; </c> then the heuristic reason.</summary>
    LlmRouterUnknownAnswer,

    /// <summary><c>llm_router_unavailable; </c> then the heuristic reason.</summary>
    LlmRouterUnavailable,

    /// <summary>A pinned model was unavailable: <c>unavailable=&lt;pinned&gt;; fallback=&lt;id&gt;</c>.</summary>
    PinnedUnavailable,
}
