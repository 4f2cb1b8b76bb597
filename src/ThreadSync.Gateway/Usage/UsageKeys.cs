namespace ThreadSync.Gateway;

/// <summary>
/// Keys under which adapters put provider facts into <c>UsageDetails.AdditionalCounts</c> and
/// <c>AdditionalProperties</c>, so the gateway can read them without knowing any wire format.
/// </summary>
public static class UsageKeys
{
    /// <summary>Input tokens written to the prompt cache (<c>UsageDetails.AdditionalCounts</c>).</summary>
    public const string CacheWriteInputTokens = "threadsync.cache_write_input_tokens";

    /// <summary>
    /// The provider's own cost figure in nano-USD (1e-9 USD) (<c>UsageDetails.AdditionalCounts</c>); counts are integers,
    /// so the adapter scales it.
    /// </summary>
    public const string ProviderCostNanoUsd = "threadsync.provider_cost_nano_usd";
}
