namespace ThreadSync.Gateway.Storage;

/// <summary>The stores of one database, as a backend provides them (<c>SqliteStores.Create</c>, <c>PostgresStores.Create</c>).</summary>
/// <param name="Governance">Orgs, teams, keys and settings.</param>
/// <param name="Quotas">Reservations and settlement.</param>
/// <param name="Usage">The usage ledger.</param>
/// <param name="AdminAudit">The admin action log (superseded by <paramref name="Audit"/>, which the admin API writes and lists).</param>
/// <param name="Migrator">The schema migrator.</param>
/// <param name="Audit">The tamper-evident audit chain of inference requests and admin actions.</param>
/// <param name="Idempotency">Idempotency keys and the responses they replay.</param>
/// <param name="Conversations">Stored conversations and their turns (server-side conversation memory).</param>
/// <param name="Sessions">App clients, share codes, subject sessions and used request nonces (browser-safe sessions).</param>
/// <remarks>Disposing the stores commits the audit appends already queued, then closes the connections.</remarks>
public sealed record GatewayStores(IGovernanceStore Governance, IQuotaStore Quotas, IUsageLedger Usage, IAdminAuditLog AdminAudit, IGatewayStoreMigrator Migrator, IAuditChain Audit, IIdempotencyStore Idempotency, IConversationStore Conversations, ISessionStore Sessions)
    : IAsyncDisposable, IDisposable
{
    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        // The backends' migrator owns the connections and the audit chain's writer.
        if (Migrator is IAsyncDisposable asyncDisposable)
        {
            return asyncDisposable.DisposeAsync();
        }

        (Migrator as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Migrator is IDisposable disposable)
        {
            disposable.Dispose();
        }
        else if (Migrator is IAsyncDisposable asyncDisposable)
        {
            asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
