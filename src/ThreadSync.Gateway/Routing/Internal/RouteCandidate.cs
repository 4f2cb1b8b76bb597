using System.Runtime.InteropServices;

namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>A model in an intent's precomputed candidate list, with its tier and per-token prices for quick ranking.</summary>
[StructLayout(LayoutKind.Auto)]
internal readonly struct RouteCandidate
{
    /// <summary>The intent's own preferences.</summary>
    public const int IntentTier = 0;

    /// <summary>The general intent's preferences, after the intent's own.</summary>
    public const int GeneralTier = 1;

    /// <summary>Every other active catalog model, in catalog order: used only when no preferred model fits.</summary>
    public const int CatalogTier = 2;

    private const double PerMillion = 1_000_000d;

    public RouteCandidate(ModelDescriptor model, int tier)
    {
        Model = model;
        Tier = tier;
        InputPerToken = (double)model.Pricing.InputPerMillion / PerMillion;
        OutputPerToken = (double)model.Pricing.OutputPerMillion / PerMillion;
        PerRequest = (double)model.Pricing.PerRequest;
    }

    public ModelDescriptor Model { get; }

    public int Tier { get; }

    public double InputPerToken { get; }

    public double OutputPerToken { get; }

    public double PerRequest { get; }

    /// <summary>Estimates the list-price cost of a request in USD.</summary>
    public double EstimateCost(int inputTokens, int outputTokens) => (inputTokens * InputPerToken) + (outputTokens * OutputPerToken) + PerRequest;
}
