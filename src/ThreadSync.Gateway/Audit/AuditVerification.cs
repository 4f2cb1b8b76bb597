namespace ThreadSync.Gateway.Audit;

/// <summary>The outcome of verifying an audit chain: valid with its length and head, or the first bad record and why.</summary>
public sealed record AuditVerification
{
    /// <summary>Gets a value indicating whether every record checked out.</summary>
    public required bool Valid { get; init; }

    /// <summary>Gets how many records were checked (the genesis record included).</summary>
    public long Records { get; init; }

    /// <summary>Gets the last good record: the chain's head when valid, or <see langword="null"/> for an empty chain.</summary>
    public AuditHead? Head { get; init; }

    /// <summary>Gets the sequence number of the first bad (or first missing) record, when invalid.</summary>
    public long? FirstBadSequence { get; init; }

    /// <summary>Gets why the record is bad, when invalid.</summary>
    public AuditFailure? Failure { get; init; }

    /// <summary>Gets a sentence saying what is wrong, when invalid.</summary>
    public string? Detail { get; init; }

    /// <summary>Gets the failure's wire name (<c>hash_mismatch</c>, <c>sequence_gap</c>, …), when invalid.</summary>
    public string? Reason => Failure switch
    {
        null => null,
        AuditFailure.HashMismatch => "hash_mismatch",
        AuditFailure.SequenceGap => "sequence_gap",
        AuditFailure.UnexpectedSequence => "unexpected_sequence",
        AuditFailure.PreviousHashMismatch => "previous_hash_mismatch",
        AuditFailure.HeadMismatch => "head_mismatch",
        AuditFailure.ContentMismatch => "content_mismatch",
        _ => "invalid_genesis",
    };
}
