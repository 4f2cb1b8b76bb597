using Npgsql;
using ThreadSync.Gateway.Storage.Internal;
using static ThreadSync.Gateway.Storage.Postgres.PostgresParameters;

namespace ThreadSync.Gateway.Storage.Postgres;

/// <summary>
/// Idempotency records in PostgreSQL, shared by every instance on the database. A claim is one call of
/// <c>idempotency_claim_v1</c> (see <see cref="PostgresMigrations"/>), which inserts or locks the key's row; every other
/// change is one statement that matches the owner of an in-progress row. Times are the database server's clock.
/// </summary>
internal sealed class PostgresIdempotencyStore : IIdempotencyStore
{
    private const int PurgeBatch = 1000;

    private const string ClaimSql = "select status, status_code, headers, body from idempotency_claim_v1($1, $2, $3, $4, $5, $6, $7)";

    private const string Owned = "where key_id = $1 and idempotency_key = $2 and owner = $3 and state = 0";

    private const string RenewSql = "update idempotency_records set lease_until = coalesce($4, now()) + $5 * interval '1 microsecond' " + Owned;

    private const string CompleteSql =
        "update idempotency_records set state = 1, owner = null, expires_at = coalesce($4, now()) + $5 * interval '1 microsecond', "
        + "status_code = $6, headers = $7, body = $8 " + Owned;

    private const string ReleaseSql = "delete from idempotency_records " + Owned;

    private const string MarkUncertainSql =
        "update idempotency_records set state = 2, owner = null, expires_at = coalesce($4, now()) + $5 * interval '1 microsecond' " + Owned;

    private const string PurgeSql = """
        delete from idempotency_records
        where (key_id, idempotency_key) in (
            select key_id, idempotency_key from idempotency_records
            where expires_at <= coalesce($1, now())
            limit $2
            for update skip locked)
        """;

    private readonly PostgresDatabase _database;

    /// <summary>Initializes a new instance of the <see cref="PostgresIdempotencyStore"/> class.</summary>
    /// <param name="database">The database.</param>
    public PostgresIdempotencyStore(PostgresDatabase database)
    {
        _database = database;
    }

    /// <inheritdoc/>
    public async ValueTask<IdempotencyClaimResult> ClaimAsync(IdempotencyClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        claim.Validate();
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _database.DataSource.CreateCommand(ClaimSql);
        command.Parameters.Add(Text(claim.KeyId));
        command.Parameters.Add(Text(claim.Key));
        command.Parameters.Add(Bytes(claim.Fingerprint));
        command.Parameters.Add(Text(claim.Owner));
        command.Parameters.Add(Bigint(Microseconds(claim.Lease)));
        command.Parameters.Add(Bigint(Microseconds(claim.Retention)));
        command.Parameters.Add(_database.NowParameter());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("idempotency_claim_v1 returned no row.");
        }

        return reader.GetInt16(0) switch
        {
            0 => IdempotencyClaimResult.Claimed,
            1 => IdempotencyClaimResult.InProgress,
            2 => IdempotencyClaimResult.Completed(new IdempotentResponse(
                reader.GetInt32(1),
                IdempotentHeaderText.Decode(reader.IsDBNull(2) ? string.Empty : reader.GetString(2)),
                reader.IsDBNull(3) ? [] : reader.GetFieldValue<byte[]>(3))),
            3 => IdempotencyClaimResult.Uncertain,
            _ => IdempotencyClaimResult.FingerprintMismatch,
        };
    }

    /// <inheritdoc/>
    public ValueTask<bool> RenewAsync(IdempotencyClaim claim, CancellationToken cancellationToken = default) =>
        ChangeOwnedAsync(claim, RenewSql, claim?.Lease ?? default, null, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<bool> CompleteAsync(IdempotencyClaim claim, IdempotentResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(response);
        return ChangeOwnedAsync(claim, CompleteSql, claim.Retention, response, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<bool> ReleaseAsync(IdempotencyClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        claim.Validate();
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _database.DataSource.CreateCommand(ReleaseSql);
        AddOwner(command, claim);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc/>
    public ValueTask<bool> MarkUncertainAsync(IdempotencyClaim claim, CancellationToken cancellationToken = default) =>
        ChangeOwnedAsync(claim, MarkUncertainSql, claim?.Retention ?? default, null, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<long> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        long total = 0;
        while (true)
        {
            await using var command = _database.DataSource.CreateCommand(PurgeSql);
            command.Parameters.Add(_database.NowParameter());
            command.Parameters.Add(Integer(PurgeBatch));
            var deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            total += deleted;
            if (deleted < PurgeBatch)
            {
                return total;
            }
        }
    }

    private static long Microseconds(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMicrosecond;

    private static void AddOwner(NpgsqlCommand command, IdempotencyClaim claim)
    {
        command.Parameters.Add(Text(claim.KeyId));
        command.Parameters.Add(Text(claim.Key));
        command.Parameters.Add(Text(claim.Owner));
    }

    private async ValueTask<bool> ChangeOwnedAsync(IdempotencyClaim? claim, string sql, TimeSpan after, IdempotentResponse? response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        claim.Validate();
        await _database.EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _database.DataSource.CreateCommand(sql);
        AddOwner(command, claim);
        command.Parameters.Add(_database.NowParameter());
        command.Parameters.Add(Bigint(Microseconds(after)));
        if (response is not null)
        {
            command.Parameters.Add(Integer(response.StatusCode));
            command.Parameters.Add(Text(IdempotentHeaderText.Encode(response.Headers)));
            command.Parameters.Add(Bytes(response.BodyArray));
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }
}
