namespace ThreadSync.Runtime;

/// <summary>The most an automation may consume in one execution.</summary>
public sealed record ResourceLimits
{
    /// <summary>Gets the memory ceiling in bytes.</summary>
    /// <value>256 MiB by default.</value>
    public long MaxMemoryBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Gets the CPU time ceiling.</summary>
    /// <value>30 seconds by default.</value>
    public TimeSpan MaxCpuTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the wall-clock ceiling.</summary>
    /// <value>60 seconds by default.</value>
    public TimeSpan MaxWallTime { get; init; } = TimeSpan.FromSeconds(60);
}
