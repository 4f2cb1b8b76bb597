namespace ThreadSync.Gateway.Storage;

/// <summary>A stored conversation: who owns it, whether the org shares it, and where its turns and summary stand.</summary>
public sealed record Conversation
{
    /// <summary>Gets the id, unique across all orgs (the caller generates it).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the org the conversation belongs to.</summary>
    public required string OrgId { get; init; }

    /// <summary>Gets the owner: the key id or the session subject id that started the conversation.</summary>
    public required string SubjectId { get; init; }

    /// <summary>Gets the title, if one was set.</summary>
    public string? Title { get; init; }

    /// <summary>Gets a value indicating whether members of the org other than the owner may read the conversation.</summary>
    public bool Shared { get; init; }

    /// <summary>Gets when the conversation was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when turns were last appended (the store's clock), or <see cref="CreatedAt"/> before the first.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets how many turns the conversation has; they are numbered 0 to <c>TurnCount - 1</c>.</summary>
    public long TurnCount { get; init; }

    /// <summary>Gets a summary that stands in for the turns up to <see cref="SummaryThrough"/> in the model's memory.</summary>
    public string? Summary { get; init; }

    /// <summary>Gets the sequence of the last turn <see cref="Summary"/> covers, or -1 when there is no summary.</summary>
    public long SummaryThrough { get; init; } = -1;
}
