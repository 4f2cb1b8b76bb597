using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>
/// Which model serves a request, how it was chosen, why, and what to try if it fails. Returned by
/// <see cref="RoutePlanner"/>; pinned and default decisions are cached, so returning one allocates nothing.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal readonly struct RouteDecision
{
    public RouteDecision(
        ModelDescriptor model,
        string method,
        string reason,
        IReadOnlyList<ModelDescriptor> candidates,
        RequestIntent intent = RequestIntent.None,
        ModelDescriptor? routerModel = null,
        UsageDetails? routerUsage = null)
    {
        Model = model;
        Method = method;
        Reason = reason;
        Candidates = candidates;
        Intent = intent;
        RouterModel = routerModel;
        RouterUsage = routerUsage;
    }

    /// <summary>Gets the model to call.</summary>
    public ModelDescriptor Model { get; }

    /// <summary>Gets how the model was chosen: a <see cref="RouteMethod"/> constant.</summary>
    public string Method { get; }

    /// <summary>Gets a short ASCII explanation for the route-reason response header, for example <c>intent=code; needs=tools; strategy=cost; chose=gpt-5.4-mini</c>.</summary>
    public string Reason { get; }

    /// <summary>
    /// Gets the ranked models: <c>Candidates[0]</c> is <see cref="Model"/>, the rest are the fallback chain, best first
    /// (at most <see cref="RoutePlanner.MaxCandidates"/>). For pinned and default routes the chain is the configured
    /// <c>ThreadSync:Routing:Fallbacks</c> of the model, not yet checked for availability.
    /// </summary>
    public IReadOnlyList<ModelDescriptor> Candidates { get; }

    /// <summary>Gets the intent auto routing recognized, or <see cref="RequestIntent.None"/> for pinned and default routes.</summary>
    public RequestIntent Intent { get; }

    /// <summary>Gets the router model called in <see cref="RoutingMode.LlmRouter"/> mode, whose usage is <see cref="RouterUsage"/>.</summary>
    public ModelDescriptor? RouterModel { get; }

    /// <summary>Gets the usage of the router model's call, to bill to the caller; <see langword="null"/> when none was made or none reported.</summary>
    public UsageDetails? RouterUsage { get; }
}
