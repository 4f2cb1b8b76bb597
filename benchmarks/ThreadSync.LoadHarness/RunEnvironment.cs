namespace ThreadSync.LoadHarness;

/// <summary>Versions of what ran, filled in as the configurations start, for the report.</summary>
internal sealed class RunEnvironment
{
    public string? PostgresVersion { get; set; }

    public string? PortkeyVersion { get; set; }
}
