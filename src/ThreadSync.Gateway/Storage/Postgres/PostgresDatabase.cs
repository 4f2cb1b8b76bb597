using Npgsql;
using NpgsqlTypes;

namespace ThreadSync.Gateway.Storage.Postgres;

/// <summary>
/// One PostgreSQL database shared by the stores: the connection pool, the clock, and the schema migrator. Stores migrate
/// lazily on first use, so a host that never calls <see cref="MigrateAsync"/> still gets its schema.
/// </summary>
internal sealed class PostgresDatabase : IGatewayStoreMigrator, IAsyncDisposable, IDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly bool _databaseClock;
    private readonly bool _ownsDataSource;
    private readonly SemaphoreSlim _migrationGate = new(1, 1);
    private readonly List<IAsyncDisposable> _dependents = [];
    private volatile bool _migrated;

    /// <summary>Initializes a new instance of the <see cref="PostgresDatabase"/> class.</summary>
    /// <param name="dataSource">The connection pool.</param>
    /// <param name="timeProvider">The clock: <see cref="TimeProvider.System"/> uses the database server's clock (<c>now()</c>), any other is passed to every statement.</param>
    /// <param name="ownsDataSource">Whether disposing this disposes <paramref name="dataSource"/>.</param>
    public PostgresDatabase(NpgsqlDataSource dataSource, TimeProvider timeProvider, bool ownsDataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(timeProvider);
        DataSource = dataSource;
        _timeProvider = timeProvider;
        _databaseClock = ReferenceEquals(timeProvider, TimeProvider.System);
        _ownsDataSource = ownsDataSource;
    }

    /// <summary>Trusts the schema as it is: the stores never create or migrate it (tools reading an existing database, with read-only rights).</summary>
    public void SkipMigration() => _migrated = true;

    /// <summary>Gets the connection pool.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>Creates the data source for a connection string: Npgsql's slim builder (trimming and AOT friendly) with arrays and TLS.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <returns>The data source.</returns>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlSlimDataSourceBuilder(connectionString);
        builder.EnableArrays();
        builder.EnableTransportSecurity();
        builder.ConnectionStringBuilder.ApplicationName ??= "ThreadSync.Gateway";
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // The stores run a handful of statements over and over: parse and plan them once per connection.
            builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
        }

        return builder.Build();
    }

    /// <summary>Creates the parameter carrying "now" for <c>coalesce($n, now())</c>: null (the database's clock) unless a test clock is injected.</summary>
    /// <returns>The parameter.</returns>
    public NpgsqlParameter NowParameter() => new()
    {
        NpgsqlDbType = NpgsqlDbType.TimestampTz,
        Value = _databaseClock ? DBNull.Value : _timeProvider.GetUtcNow().ToUniversalTime(),
    };

    /// <summary>Migrates the schema unless this instance already did.</summary>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    public ValueTask EnsureMigratedAsync(CancellationToken cancellationToken) =>
        _migrated ? default : new ValueTask(MigrateAsync(cancellationToken));

    /// <inheritdoc/>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await _migrationGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_migrated)
            {
                return;
            }

            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // Instances starting together take turns; the lock goes with the transaction.
            await using (var command = new NpgsqlCommand("select pg_advisory_xact_lock($1)", connection, transaction))
            {
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = PostgresMigrations.AdvisoryLockKey });
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var command = new NpgsqlCommand(PostgresMigrations.VersionTable, connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            int current;
            await using (var command = new NpgsqlCommand("select coalesce(max(version), 0) from schema_version", connection, transaction))
            {
                current = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            foreach (var (version, script) in PostgresMigrations.Scripts)
            {
                if (version <= current)
                {
                    continue;
                }

                await using (var command = new NpgsqlCommand(script, connection, transaction))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using (var command = new NpgsqlCommand("insert into schema_version (version) values ($1)", connection, transaction))
                {
                    command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _migrated = true;
        }
        finally
        {
            _migrationGate.Release();
        }
    }

    /// <summary>Registers something to dispose before the connection pool closes (the audit chain's writer, which finishes its queue).</summary>
    /// <param name="dependent">The dependent.</param>
    public void AddDependent(IAsyncDisposable dependent)
    {
        lock (_dependents)
        {
            _dependents.Add(dependent);
        }
    }

    /// <inheritdoc/>
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

        if (_ownsDataSource)
        {
            await DataSource.DisposeAsync().ConfigureAwait(false);
        }

        _migrationGate.Dispose();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // Synchronous disposal cannot wait for the dependents' (the audit writer's) last flush: hosts dispose asynchronously.
        if (_ownsDataSource)
        {
            DataSource.Dispose();
        }

        _migrationGate.Dispose();
    }
}
