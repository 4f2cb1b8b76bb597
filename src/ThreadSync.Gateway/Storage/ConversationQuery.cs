namespace ThreadSync.Gateway.Storage;

/// <summary>Which conversations of an org <see cref="IConversationStore.ListAsync"/> returns, newest first.</summary>
public sealed record ConversationQuery
{
    /// <summary>The largest <see cref="Limit"/>.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Gets the org (required): a listing never crosses orgs.</summary>
    public required string OrgId { get; init; }

    /// <summary>Gets the owner to restrict to, or <see langword="null"/> for every owner in the org.</summary>
    public string? SubjectId { get; init; }

    /// <summary>Gets a value indicating whether only shared conversations are listed.</summary>
    public bool SharedOnly { get; init; }

    /// <summary>Gets the most conversations returned (1 to <see cref="MaxLimit"/>; 50 by default).</summary>
    public int Limit { get; init; } = 50;

    /// <summary>Gets where the previous page ended, or <see langword="null"/> for the first page.</summary>
    public ConversationCursor? After { get; init; }

    /// <summary>Throws when the query is incomplete or out of range.</summary>
    /// <exception cref="ArgumentException"><see cref="OrgId"/> is empty, or <see cref="Limit"/> is out of range.</exception>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(OrgId);
        if (Limit is < 1 or > MaxLimit)
        {
            throw new ArgumentException($"Limit must be 1 to {MaxLimit}.", nameof(Limit));
        }

        if (After is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(After.Id);
        }
    }
}
