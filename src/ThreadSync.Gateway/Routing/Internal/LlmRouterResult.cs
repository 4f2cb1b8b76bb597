using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>The router model's choice, if any, and the usage of its call (to bill).</summary>
[StructLayout(LayoutKind.Auto)]
internal readonly struct LlmRouterResult
{
    public LlmRouterResult(LlmRouterOutcome outcome, ModelDescriptor? model, UsageDetails? usage, string? answer = null)
    {
        Outcome = outcome;
        Model = model;
        Usage = usage;
        Answer = answer;
    }

    /// <summary>Gets how the call ended.</summary>
    public LlmRouterOutcome Outcome { get; }

    /// <summary>Gets the chosen candidate, or <see langword="null"/> unless <see cref="Outcome"/> is <see cref="LlmRouterOutcome.Chosen"/>.</summary>
    public ModelDescriptor? Model { get; }

    /// <summary>Gets the usage of the router call, when it answered and the provider reported usage.</summary>
    public UsageDetails? Usage { get; }

    /// <summary>Gets the router's raw answer, for trace logging only (it may echo prompt content).</summary>
    public string? Answer { get; }
}
