namespace ThreadSync.Gateway.Audit;

/// <summary>Why verification rejected a chain at its first bad record (<see cref="AuditVerification.Failure"/>).</summary>
public enum AuditFailure
{
    /// <summary>The record's hash does not match its fields and previous hash: the record was modified.</summary>
    HashMismatch,

    /// <summary>Sequence numbers skip: the records from the first bad sequence on were deleted (or the end of the chain was cut off).</summary>
    SequenceGap,

    /// <summary>A sequence number repeats or goes back, or records follow the chain's head: records were inserted or reordered.</summary>
    UnexpectedSequence,

    /// <summary>The record's previous hash is not the hash of the record before it: a record was inserted before it, or records were reordered.</summary>
    PreviousHashMismatch,

    /// <summary>The chain's last record is not the head the store recorded: the end of the chain was replaced.</summary>
    HeadMismatch,

    /// <summary>Kept content does not match the record's prompt or response hash: the content was modified.</summary>
    ContentMismatch,

    /// <summary>Sequence 0 is not a genesis record chained to 32 zero bytes.</summary>
    InvalidGenesis,
}
