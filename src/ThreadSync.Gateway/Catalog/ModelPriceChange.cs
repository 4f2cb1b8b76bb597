namespace ThreadSync.Gateway;

/// <summary>An announced price change of a model: the complete pricing in force from a day on.</summary>
public sealed record ModelPriceChange
{
    /// <summary>Gets the first day (UTC) the pricing applies.</summary>
    public required DateOnly EffectiveFrom { get; init; }

    /// <summary>Gets the complete pricing from that day on.</summary>
    public required ModelPricing Pricing { get; init; }
}
