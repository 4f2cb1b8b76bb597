namespace ThreadSync.Gateway.Pipeline.Internal;

/// <summary>
/// Where a request goes: the chosen model first, then its fallbacks in order, with how and why it was chosen.
/// Immutable, so the plan of a pinned model can be cached and shared by every request that names it.
/// </summary>
internal sealed class RoutePlan
{
    public RoutePlan(IReadOnlyList<RouteCandidate> candidates, string method, string reason, string? remappedFrom = null)
    {
        if (candidates.Count == 0)
        {
            throw new ArgumentException("A route plan needs at least one candidate.", nameof(candidates));
        }

        Candidates = candidates;
        Method = method;
        Reason = reason;
        RemappedFrom = remappedFrom;
    }

    /// <summary>Gets the models to try, in order; the first is the routed choice.</summary>
    public IReadOnlyList<RouteCandidate> Candidates { get; }

    /// <summary>Gets the route method of the first candidate (<see cref="RouteMethod"/>).</summary>
    public string Method { get; }

    /// <summary>Gets the routing reason reported in the <c>x-threadsync-route-reason</c> header (ASCII).</summary>
    public string Reason { get; }

    /// <summary>Gets the retired model the caller named, when the plan serves its replacement instead.</summary>
    public string? RemappedFrom { get; }
}
