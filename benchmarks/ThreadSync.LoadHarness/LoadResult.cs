namespace ThreadSync.LoadHarness;

/// <summary>What one open-loop run measured. Latencies are in milliseconds, sorted, from each request's scheduled start.</summary>
internal sealed class LoadResult(int rate, TimeSpan duration, int sent, int succeeded, double[] latencies, double[] firstTokens, double[] overheads, double lagP99Ms)
{
    /// <summary>Gets the requested rate, requests per second.</summary>
    public int Rate { get; } = rate;

    public TimeSpan Duration { get; } = duration;

    public int Sent { get; } = sent;

    public int Succeeded { get; } = succeeded;

    /// <summary>Gets the share of requests answered correctly, 0 to 1.</summary>
    public double SuccessRate => Sent == 0 ? 0 : (double)Succeeded / Sent;

    /// <summary>Gets the total latency of each correct answer.</summary>
    public double[] Latencies { get; } = latencies;

    /// <summary>Gets the time to the first content token of each correct streamed answer (empty when not streaming).</summary>
    public double[] FirstTokens { get; } = firstTokens;

    /// <summary>Gets the <c>x-threadsync-overhead-ms</c> values (empty for other gateways).</summary>
    public double[] Overheads { get; } = overheads;

    /// <summary>Gets the 99th percentile of how late the scheduler sent requests: large values mean the load generator could not keep up.</summary>
    public double LagP99Ms { get; } = lagP99Ms;

    /// <summary>The value below which <paramref name="fraction"/> of <paramref name="sorted"/> lies (nearest rank), or NaN when empty.</summary>
    public static double Percentile(double[] sorted, double fraction)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(fraction * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
