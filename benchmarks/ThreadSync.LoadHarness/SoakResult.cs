namespace ThreadSync.LoadHarness;

/// <summary>The memory soak: resident memory of the gateway sampled while it serves a steady rate.</summary>
internal sealed class SoakResult(int rate, TimeSpan duration)
{
    public int Rate { get; } = rate;

    public TimeSpan Duration { get; } = duration;

    /// <summary>Gets the samples: time since the soak began and resident bytes.</summary>
    public List<(TimeSpan At, long ResidentBytes)> Samples { get; } = [];

    public int Sent { get; set; }

    public int Succeeded { get; set; }
}
