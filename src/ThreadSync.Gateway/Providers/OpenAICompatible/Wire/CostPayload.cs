namespace ThreadSync.Gateway.Providers.OpenAICompatible.Wire;

/// <summary>Perplexity's cost breakdown in USD.</summary>
internal sealed class CostPayload
{
    public decimal? TotalCost { get; set; }
}
