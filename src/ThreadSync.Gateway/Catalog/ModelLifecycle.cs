namespace ThreadSync.Gateway;

/// <summary>Deprecation and retirement facts of a model.</summary>
public sealed record ModelLifecycle
{
    /// <summary>Gets the lifecycle of a model with nothing announced.</summary>
    public static ModelLifecycle Active { get; } = new();

    /// <summary>Gets the status.</summary>
    public ModelLifecycleStatus Status { get; init; }

    /// <summary>Gets the date the provider deprecated the model, if any.</summary>
    public DateOnly? DeprecatedOn { get; init; }

    /// <summary>Gets the date the provider shuts (or shut) the model down, if announced.</summary>
    public DateOnly? RetiresOn { get; init; }

    /// <summary>Gets the id of the model the provider recommends instead, if any.</summary>
    public string? Replacement { get; init; }
}
