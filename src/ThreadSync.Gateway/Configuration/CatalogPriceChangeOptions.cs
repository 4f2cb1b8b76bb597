using System.Text.Json.Serialization;

namespace ThreadSync.Gateway;

/// <summary>An announced price change (<c>price_changes[]</c>): from <see cref="EffectiveFrom"/> on, <see cref="Pricing"/> is merged over the model's prices.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class CatalogPriceChangeOptions
{
    /// <summary>Gets or sets the first day (UTC) the new prices apply (<c>effective_from</c>, <c>yyyy-MM-dd</c>).</summary>
    public DateOnly? EffectiveFrom { get; set; }

    /// <summary>Gets or sets the prices that change (<c>pricing</c>); fields left out keep the model's prices. It cannot hold price changes itself.</summary>
    public CatalogPricingOptions? Pricing { get; set; }
}
