namespace ThreadSync.Gateway.Storage;

/// <summary>USD as whole billionths (nano-USD), the unit stores count spend in: exact, and integer in every database.</summary>
public static class NanoUsd
{
    /// <summary>Converts USD to nano-USD, rounding up (a hold or a charge never rounds in the caller's favour).</summary>
    /// <param name="usd">The amount in USD.</param>
    /// <returns>The amount in nano-USD.</returns>
    public static long FromUsd(decimal usd) => (long)decimal.Ceiling(usd * 1_000_000_000m);

    /// <summary>Converts nano-USD to USD.</summary>
    /// <param name="nanoUsd">The amount in nano-USD.</param>
    /// <returns>The amount in USD.</returns>
    public static decimal ToUsd(long nanoUsd) => nanoUsd / 1_000_000_000m;
}
