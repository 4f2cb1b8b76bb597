namespace ThreadSync.Gateway.Storage;

/// <summary>The dimensions usage is grouped by; combine freely (<c>Org | Day</c>).</summary>
[Flags]
public enum UsageGrouping
{
    /// <summary>One total.</summary>
    None = 0,

    /// <summary>By key.</summary>
    Key = 1,

    /// <summary>By team.</summary>
    Team = 2,

    /// <summary>By org.</summary>
    Org = 4,

    /// <summary>By model.</summary>
    Model = 8,

    /// <summary>By UTC day.</summary>
    Day = 16,
}
