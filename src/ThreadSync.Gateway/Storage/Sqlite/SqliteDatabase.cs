using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace ThreadSync.Gateway.Storage.Sqlite;

/// <summary>
/// One SQLite database file shared by the stores: connection management and schema migration.
/// </summary>
/// <remarks>
/// <para>Writes run on one writer connection owned by a thread of its own (<see cref="SqliteWriter"/>), which group-commits
/// whatever is queued, so writers of this process queue in memory rather than spin on <c>SQLITE_BUSY</c> or block the
/// thread pool; transactions start with <c>BEGIN IMMEDIATE</c> so the file's write lock is taken before anything is
/// read, which makes check-then-write atomic across processes too (other processes wait up to the busy timeout). Reads
/// use a small pool of reader connections, which WAL lets run beside the writer.</para>
/// <para>Every connection keeps its prepared commands (see <see cref="SqliteSession"/>). A private in-memory data source
/// (<c>:memory:</c>) becomes a named shared-cache memory database, so readers see what the writer wrote; it lives as long
/// as this object.</para>
/// </remarks>
internal sealed class SqliteDatabase : IGatewayStoreMigrator, IAsyncDisposable, IDisposable
{
    private const int BusyTimeoutMilliseconds = 30_000;
    private const int MaxIdleReaders = 8;

    private readonly string _connectionString;
    private readonly string? _folder;
    private readonly SqliteWriter _writer;
    private readonly SqliteWalSyncer? _syncer;
    private readonly ConcurrentBag<SqliteSession> _readers = [];
    private readonly List<IAsyncDisposable> _dependents = [];
    private volatile bool _migrated;
    private volatile bool _disposed;
    private bool _folderReady;

    public SqliteDatabase(string connectionString, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(timeProvider);
        TimeProvider = timeProvider;

        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = false };
        var memory = builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:";
        if (memory && builder.Cache != SqliteCacheMode.Shared)
        {
            builder.DataSource = "threadsync-" + Guid.NewGuid().ToString("N");
            builder.Mode = SqliteOpenMode.Memory;
            builder.Cache = SqliteCacheMode.Shared;
        }
        else if (!memory && !builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            _folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        }

        _connectionString = builder.ToString();
        _syncer = _folder is null ? null : new SqliteWalSyncer(Path.GetFullPath(builder.DataSource));
        _writer = new SqliteWriter(OpenSession, _syncer);
    }

    /// <summary>Trusts the schema as it is: the stores never create or migrate it (tools reading an existing database).</summary>
    public void SkipMigration() => _migrated = true;

    /// <summary>Gets the writer's generation (see <see cref="SqliteWriter.Generation"/>); read it only inside a write.</summary>
    public long WriterGeneration => _writer.Generation;

    /// <summary>Gets the clock the stores count time by.</summary>
    public TimeProvider TimeProvider { get; }

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_migrated)
        {
            await _writer.RunExclusiveAsync(this, static (session, db) =>
            {
                if (!db._migrated)
                {
                    db.Migrate(session);
                    db._migrated = true;
                }

                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the writer connection in the next group-committed <c>BEGIN IMMEDIATE</c>
    /// transaction (see <see cref="SqliteWriter"/>); completes once that transaction committed. Work that throws is
    /// undone alone.
    /// </summary>
    public ValueTask<T> WriteAsync<TState, T>(TState state, Func<SqliteSession, TState, T> work, CancellationToken cancellationToken) =>
        QueueWriteAsync(state, work, SqliteWriteDurability.Committed, cancellationToken);

    /// <summary>
    /// As <see cref="WriteAsync"/>, completing when <paramref name="durability"/> says: at the commit, at the commit
    /// with an fsync of the log started, or once the log was fsynced (durable through power loss, and with it
    /// everything committed before it).
    /// </summary>
    public ValueTask<T> WriteDurableAsync<TState, T>(TState state, Func<SqliteSession, TState, T> work, SqliteWriteDurability durability, CancellationToken cancellationToken) =>
        QueueWriteAsync(state, work, durability, cancellationToken);

    /// <summary>Runs <paramref name="work"/> on a pooled reader connection.</summary>
    public async ValueTask<T> ReadAsync<TState, T>(TState state, Func<SqliteSession, TState, T> work, CancellationToken cancellationToken)
    {
        var session = await RentReaderAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return work(session, state);
        }
        finally
        {
            ReturnReader(session);
        }
    }

    /// <summary>Rents a reader connection; give it back with <see cref="ReturnReader"/>.</summary>
    public async ValueTask<SqliteSession> RentReaderAsync(CancellationToken cancellationToken)
    {
        if (!_migrated)
        {
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        return _readers.TryTake(out var session) ? session : OpenSession();
    }

    /// <summary>Returns a rented reader connection to the pool (or closes it when the pool is full).</summary>
    public void ReturnReader(SqliteSession session)
    {
        if (_disposed || _readers.Count >= MaxIdleReaders)
        {
            session.Dispose();
            return;
        }

        _readers.Add(session);
        if (_disposed && _readers.TryTake(out var late))
        {
            late.Dispose();
        }
    }

    /// <summary>Registers something to dispose before the connections close (the audit chain's writer, which finishes its queue).</summary>
    public void AddDependent(IAsyncDisposable dependent)
    {
        lock (_dependents)
        {
            _dependents.Add(dependent);
        }
    }

    /// <summary>Closes every connection (a memory database is gone afterwards), after the dependents finished.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        IAsyncDisposable[] dependents;
        lock (_dependents)
        {
            dependents = [.. _dependents];
            _dependents.Clear();
        }

        foreach (var dependent in dependents)
        {
            dependent.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        _disposed = true;
        _writer.Dispose();
        _syncer?.Dispose();
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        IAsyncDisposable[] dependents;
        lock (_dependents)
        {
            dependents = [.. _dependents];
            _dependents.Clear();
        }

        foreach (var dependent in dependents)
        {
            await dependent.DisposeAsync().ConfigureAwait(false);
        }

        Dispose();
    }

    private async ValueTask<T> QueueWriteAsync<TState, T>(TState state, Func<SqliteSession, TState, T> work, SqliteWriteDurability durability, CancellationToken cancellationToken)
    {
        if (!_migrated)
        {
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        return await _writer.WriteAsync(state, work, durability, cancellationToken).ConfigureAwait(false);
    }

    private void Migrate(SqliteSession session)
    {
        // WAL is a property of the file and cannot be switched inside a transaction; a memory database stays "memory".
        session.Execute("PRAGMA journal_mode = WAL");
        session.Begin();
        try
        {
            session.Execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)");
            var current = (long)session.Command("SELECT COALESCE(MAX(version), 0) FROM schema_version").ExecuteScalar()!;
            var migrations = SqliteSchema.Migrations;
            if (current > migrations.Count)
            {
                throw new InvalidOperationException($"The SQLite database is at schema version {current}, newer than this gateway knows ({migrations.Count}). Upgrade the gateway.");
            }

            var record = session.Command("INSERT INTO schema_version (version, applied_at) VALUES ($version, $at)", "$version", "$at");
            for (var version = (int)current; version < migrations.Count; version++)
            {
                session.Execute(migrations[version]);
                record.Set(0, version + 1L);
                record.Set(1, SqliteValues.Ticks(TimeProvider.GetUtcNow()));
                record.ExecuteNonQuery();
            }
        }
        catch
        {
            session.Rollback();
            throw;
        }

        session.Commit();
    }

    private SqliteSession OpenSession()
    {
        if (!_folderReady && _folder is not null)
        {
            Directory.CreateDirectory(_folder);
            _folderReady = true;
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using (var pragmas = connection.CreateCommand())
            {
                pragmas.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";
                pragmas.ExecuteNonQuery();
            }

            // Exact sums of decimal text (usage costs): SQLite's own SUM would go through floating point.
            connection.CreateAggregate<string?, decimal, string>(
                "decimal_sum",
                0m,
                static (sum, value) => value is null ? sum : sum + SqliteValues.Usd(value),
                static sum => SqliteValues.Usd(sum),
                isDeterministic: true);
            return new SqliteSession(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
