namespace ThreadSync.Gateway;

/// <summary>Where a model is in its provider's lifecycle.</summary>
public enum ModelLifecycleStatus
{
    /// <summary>Generally available.</summary>
    Active,

    /// <summary>Still served, with a shutdown date announced.</summary>
    Deprecated,

    /// <summary>Shut down by the provider; kept for cost history.</summary>
    Retired,
}
