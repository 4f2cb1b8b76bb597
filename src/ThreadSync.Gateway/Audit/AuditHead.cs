namespace ThreadSync.Gateway.Audit;

/// <summary>The last record of an audit chain: its sequence number and hash. Publishing it elsewhere anchors the chain.</summary>
/// <param name="Sequence">The record's sequence number.</param>
/// <param name="Hash">The record's hash, 64 lowercase hex characters.</param>
public sealed record AuditHead(long Sequence, string Hash);
