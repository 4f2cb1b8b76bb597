namespace ThreadSync.Gateway;

/// <summary>Deprecation and retirement facts of a model.</summary>
public sealed record ModelLifecycle
{
    /// <summary>Gets the lifecycle of a model with nothing announced.</summary>
    public static ModelLifecycle Active { get; } = new();

    /// <summary>Gets the status as written in the catalog. Use <see cref="StatusOn"/> for the status on a given day.</summary>
    public ModelLifecycleStatus Status { get; init; }

    /// <summary>Gets the date the provider deprecated the model, if any.</summary>
    public DateOnly? DeprecatedOn { get; init; }

    /// <summary>Gets the date the provider shuts (or shut) the model down, if announced.</summary>
    public DateOnly? RetiresOn { get; init; }

    /// <summary>Gets the id of the model the provider recommends instead, if any.</summary>
    public string? Replacement { get; init; }

    /// <summary>Gets the status on a day, taking the dates into account as well as <see cref="Status"/>.</summary>
    /// <param name="today">The day (UTC), normally from the injected <see cref="TimeProvider"/>.</param>
    /// <returns>
    /// <see cref="ModelLifecycleStatus.Retired"/> when the catalog says so or <see cref="RetiresOn"/> is on or before
    /// <paramref name="today"/>; otherwise <see cref="ModelLifecycleStatus.Deprecated"/> when the catalog says so,
    /// <see cref="DeprecatedOn"/> is on or before <paramref name="today"/>, or a shutdown date is announced; otherwise
    /// <see cref="ModelLifecycleStatus.Active"/>.
    /// </returns>
    public ModelLifecycleStatus StatusOn(DateOnly today)
    {
        if (Status == ModelLifecycleStatus.Retired || RetiresOn <= today)
        {
            return ModelLifecycleStatus.Retired;
        }

        return Status == ModelLifecycleStatus.Deprecated || DeprecatedOn <= today || RetiresOn is not null
            ? ModelLifecycleStatus.Deprecated
            : ModelLifecycleStatus.Active;
    }
}
