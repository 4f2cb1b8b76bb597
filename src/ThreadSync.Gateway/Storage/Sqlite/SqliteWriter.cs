namespace ThreadSync.Gateway.Storage.Sqlite;

/// <summary>
/// The one thread that writes to a SQLite database: it takes every write queued since its last commit and runs them
/// in one <c>BEGIN IMMEDIATE</c> transaction, each inside its own savepoint, then commits once and completes them all
/// (group commit).
/// </summary>
/// <remarks>
/// <para>Why: SQLite allows one writer, and its API is synchronous. Run on request threads, every reservation,
/// settlement and audit batch held the write lock across its own commit while the thread pool's few threads (two on a
/// two-core machine) blocked in SQLite, so requests queued behind each other's commits. Here the blocking work has a
/// thread of its own, and each commit (and its fsync) serves every write that arrived while the last one ran.</para>
/// <para>Each write still sees the effects of those before it, in order, so check-then-write logic (a reservation
/// checking a limit, then counting against it) stays atomic; <c>BEGIN IMMEDIATE</c> keeps it atomic across processes
/// sharing the file. A write that throws is rolled back to its savepoint and fails alone; the others commit. A
/// <see cref="SqliteWriteDurability.Synced"/> write (the audit chain, by default) is made to survive power loss, and
/// with it everything committed before it: in a file database, batches commit with <c>NORMAL</c> and
/// <see cref="SqliteWalSyncer"/> fsyncs the log afterwards, off this thread; elsewhere its batch commits with
/// <c>synchronous=FULL</c>. A <see cref="SqliteWriteDurability.CommittedSyncing"/> write starts that fsync without
/// waiting for it. Writes complete only after the commit (synced ones after the sync), on the thread pool, never on
/// this thread.</para>
/// </remarks>
internal sealed class SqliteWriter : IDisposable
{
    /// <summary>The most writes one transaction runs, so the write lock is released now and then for other processes.</summary>
    private const int MaxBatch = 512;

    private readonly Func<SqliteSession> _open;
    private readonly SqliteWalSyncer? _syncer;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private List<Operation> _queue = [];
    private List<Operation> _batch = [];
    private SqliteSession? _session;
    private bool _waiting;
    private bool _stopping;
    private bool _durableMode;
    private long _dataVersion = -1;

    /// <param name="open">Opens the writer connection.</param>
    /// <param name="syncer">Makes durable writes durable after their commit (file databases); without one, a batch holding a durable write commits with <c>synchronous=FULL</c>.</param>
    public SqliteWriter(Func<SqliteSession> open, SqliteWalSyncer? syncer)
    {
        _open = open;
        _syncer = syncer;
        _thread = new Thread(Run) { IsBackground = true, Name = "ThreadSync SQLite writer" };
        _thread.Start();
    }

    /// <summary>
    /// Gets a number that changes whenever what this connection wrote may no longer be what the database holds: another
    /// connection (another process) committed, a write was rolled back, or a migration ran. Stores that keep a copy of
    /// rows in memory drop it when the number changed. Read it only from inside a write (on the writer thread).
    /// </summary>
    public long Generation { get; private set; }

    /// <summary>Queues <paramref name="work"/> to run in the next batch's transaction; completes after that transaction commits.</summary>
    public Task<T> WriteAsync<TState, T>(TState state, Func<SqliteSession, TState, T> work, SqliteWriteDurability durability, CancellationToken cancellationToken)
    {
        var operation = new Operation<TState, T>(state, work, durability, exclusive: false, cancellationToken);
        Enqueue(operation);
        return operation.Task;
    }

    /// <summary>Queues <paramref name="work"/> to run alone, outside any transaction (it manages its own: migrations).</summary>
    public Task<T> RunExclusiveAsync<TState, T>(TState state, Func<SqliteSession, TState, T> work, CancellationToken cancellationToken)
    {
        var operation = new Operation<TState, T>(state, work, SqliteWriteDurability.Committed, exclusive: true, cancellationToken);
        Enqueue(operation);
        return operation.Task;
    }

    /// <summary>Runs what is queued, stops the thread and closes the connection.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            Monitor.Pulse(_gate);
        }

        _thread.Join();
        _session?.Dispose();
        _session = null;
    }

    private void Enqueue(Operation operation)
    {
        lock (_gate)
        {
            if (_stopping)
            {
                throw new ObjectDisposedException(nameof(SqliteWriter), "The SQLite store was disposed.");
            }

            _queue.Add(operation);
            if (_waiting)
            {
                Monitor.Pulse(_gate);
            }
        }
    }

    private void Run()
    {
        while (TakeBatch())
        {
            var start = 0;
            while (start < _batch.Count)
            {
                if (_batch[start].Exclusive)
                {
                    RunExclusive(_batch[start]);
                    start++;
                    continue;
                }

                var end = start;
                while (end < _batch.Count && !_batch[end].Exclusive && end - start < MaxBatch)
                {
                    end++;
                }

                RunTransaction(start, end);
                start = end;
            }

            _batch.Clear();
        }
    }

    /// <summary>Waits for writes and swaps them into <see cref="_batch"/>; false once stopping with nothing left.</summary>
    private bool TakeBatch()
    {
        lock (_gate)
        {
            while (_queue.Count == 0)
            {
                if (_stopping)
                {
                    return false;
                }

                _waiting = true;
                Monitor.Wait(_gate);
                _waiting = false;
            }

            // The queue becomes the batch and the emptied batch list the queue: no allocation per batch.
            (_batch, _queue) = (_queue, _batch);
            return true;
        }
    }

    private void RunExclusive(Operation operation)
    {
        Generation++;
        try
        {
            operation.Run(Session());
            operation.Succeed();
        }
        catch (Exception ex)
        {
            operation.Fail(ex);
        }
    }

    private void RunTransaction(int start, int end)
    {
        SqliteSession session;
        var durable = false;
        var syncing = false;
        for (var i = start; i < end; i++)
        {
            durable |= _batch[i].Durability == SqliteWriteDurability.Synced;
            syncing |= _batch[i].Durability == SqliteWriteDurability.CommittedSyncing;
        }

        try
        {
            session = Session();
            SetDurable(session, durable && _syncer is null);
            session.Begin();

            // SQLite's data_version changes only when another connection committed: then in-memory copies are stale.
            var dataVersion = (long)session.Command("PRAGMA data_version").ExecuteScalar()!;
            if (dataVersion != _dataVersion)
            {
                _dataVersion = dataVersion;
                Generation++;
            }
        }
        catch (Exception ex)
        {
            // BEGIN may have succeeded before the pragma failed.
            _session?.Rollback();
            Generation++;
            FailRange(start, end, ex);
            return;
        }

        // One write alone needs no savepoint: if it fails, the transaction is rolled back as a whole.
        var savepoints = end - start > 1;
        for (var i = start; i < end; i++)
        {
            var operation = _batch[i];
            if (operation.IsCanceled)
            {
                operation.Cancel();
                continue;
            }

            try
            {
                if (savepoints)
                {
                    session.Savepoint();
                }

                operation.Run(session);
                if (savepoints)
                {
                    session.ReleaseSavepoint();
                }
            }
            catch (Exception ex) when (savepoints)
            {
                Generation++;
                operation.Fail(ex);
                if (!session.RollbackToSavepoint())
                {
                    // SQLite already rolled the whole transaction back (I/O error, full disk): nothing of it stands.
                    FailRange(start, end, ex);
                    return;
                }
            }
            catch (Exception ex)
            {
                Generation++;
                session.Rollback();
                operation.Fail(ex);
                return;
            }
        }

        try
        {
            session.Commit();
        }
        catch (Exception ex)
        {
            Generation++;
            session.Rollback();
            FailRange(start, end, ex);
            return;
        }

        for (var i = start; i < end; i++)
        {
            var operation = _batch[i];
            if (operation.Durability == SqliteWriteDurability.Synced && _syncer is not null)
            {
                _syncer.AfterNextSync(operation.Complete);
            }
            else
            {
                operation.Succeed();
            }
        }

        if (syncing && !durable)
        {
            _syncer?.SyncSoon();
        }
    }

    private void SetDurable(SqliteSession session, bool durable)
    {
        if (durable != _durableMode)
        {
            session.Command(durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL").ExecuteNonQuery();
            _durableMode = durable;
        }
    }

    /// <summary>Fails the writes in [start, end) that are not complete yet (what ran of them was rolled back).</summary>
    private void FailRange(int start, int end, Exception ex)
    {
        for (var i = start; i < end; i++)
        {
            _batch[i].Fail(ex);
        }
    }

    private SqliteSession Session() => _session ??= _open();

    /// <summary>One queued write and how to complete it.</summary>
    private abstract class Operation(SqliteWriteDurability durability, bool exclusive, CancellationToken cancellationToken)
    {
        public SqliteWriteDurability Durability { get; } = durability;

        public bool Exclusive { get; } = exclusive;

        public bool IsCanceled => cancellationToken.IsCancellationRequested;

        public abstract void Run(SqliteSession session);

        public abstract void Succeed();

        public abstract void Fail(Exception ex);

        public abstract void Cancel();

        /// <summary>Succeeds, or fails with <paramref name="failure"/> when there is one.</summary>
        public void Complete(Exception? failure)
        {
            if (failure is null)
            {
                Succeed();
            }
            else
            {
                Fail(failure);
            }
        }

        protected CancellationToken CancellationToken => cancellationToken;
    }

    private sealed class Operation<TState, T>(TState state, Func<SqliteSession, TState, T> work, SqliteWriteDurability durability, bool exclusive, CancellationToken cancellationToken)
        : Operation(durability, exclusive, cancellationToken)
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _completion.Task;

        public override void Run(SqliteSession session) => _result = work(session, state);

        public override void Succeed() => _completion.TrySetResult(_result);

        public override void Fail(Exception ex) => _completion.TrySetException(ex);

        public override void Cancel() => _completion.TrySetCanceled(CancellationToken);
    }
}
