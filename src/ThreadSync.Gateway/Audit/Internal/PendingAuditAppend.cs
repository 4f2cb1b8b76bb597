namespace ThreadSync.Gateway.Audit.Internal;

/// <summary>One queued append: the record, then its place in the chain once hashed, then the caller's completion once committed.</summary>
internal sealed class PendingAuditAppend
{
    private readonly TaskCompletionSource<AuditHead> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PendingAuditAppend(AuditRecord record) => Record = record;

    /// <summary>Gets or sets the record: as appended, then with its sequence and hashes once chained.</summary>
    public AuditRecord Record { get; set; }

    /// <summary>Gets or sets the previous hash's 32 bytes, once chained.</summary>
    public byte[] PreviousHash { get; set; } = [];

    /// <summary>Gets or sets the record's hash's 32 bytes, once chained.</summary>
    public byte[] Hash { get; set; } = [];

    public Task<AuditHead> Task => _done.Task;

    public void Complete() => _done.TrySetResult(new AuditHead(Record.Sequence, Record.Hash!));

    public void Fail(Exception exception) => _done.TrySetException(exception);
}
