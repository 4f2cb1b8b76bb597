namespace ThreadSync.LoadHarness;

/// <summary>Everything measured for one configuration.</summary>
internal sealed class TargetResult(string name)
{
    public string Name { get; } = name;

    /// <summary>Gets the runs at each fixed rate: non-streaming, streaming, and the gateway's CPU per non-streaming request in microseconds (NaN for the direct path).</summary>
    public SortedDictionary<int, (LoadResult Plain, LoadResult Streaming, double CpuMicroseconds)> Runs { get; } = [];

    /// <summary>Gets the non-streaming run at the highest rate (the targets' rate).</summary>
    public LoadResult? Plain => Runs.Count == 0 ? null : Runs.Last().Value.Plain;

    /// <summary>Gets the streaming run at the highest rate.</summary>
    public LoadResult? Streaming => Runs.Count == 0 ? null : Runs.Last().Value.Streaming;

    /// <summary>Gets the throughput search's steps, in order; the last may be the one that failed.</summary>
    public List<(LoadResult Result, bool Sustained)> Steps { get; } = [];

    /// <summary>Gets the highest rate sustained, or 0 when no step was.</summary>
    public int MaxSustainedRate => Steps.Where(s => s.Sustained).Select(s => s.Result.Rate).DefaultIfEmpty(0).Max();

    /// <summary>Gets the gateway processes' CPU time per request in the non-streaming run at the highest rate, in microseconds (NaN for the direct path).</summary>
    public double CpuMicrosecondsPerRequest => Runs.Count == 0 ? double.NaN : Runs.Last().Value.CpuMicroseconds;

    /// <summary>Gets or sets the gateway processes' resident memory after the runs, in bytes (0 for the direct path).</summary>
    public long ResidentBytes { get; set; }

    /// <summary>Gets or sets why the configuration could not run, when it could not.</summary>
    public string? Failure { get; set; }
}
