namespace ThreadSync.Gateway.Storage;

/// <summary>The record of admin actions (creations, updates, rotations, revocations), append-only.</summary>
public interface IAdminAuditLog
{
    /// <summary>Appends an entry.</summary>
    ValueTask AppendAsync(AdminAuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Lists the latest entries, newest first.</summary>
    ValueTask<IReadOnlyList<AdminAuditEntry>> ListAsync(int limit, CancellationToken cancellationToken = default);
}
