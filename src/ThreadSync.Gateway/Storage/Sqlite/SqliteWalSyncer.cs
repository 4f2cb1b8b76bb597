namespace ThreadSync.Gateway.Storage.Sqlite;

/// <summary>
/// Makes committed durable writes survive power loss without stalling the writer: a thread of its own fsyncs the
/// database's write-ahead log after their transactions committed, then completes them, one fsync for all that waited.
/// </summary>
/// <remarks>
/// <para>Why not <c>synchronous=FULL</c>: it fsyncs inside the commit, on the writer thread, so every write queued
/// behind an audit batch (reservations, settlements) also waited for the disk; on this project's VMs an fsync under
/// load takes milliseconds. Commits now run with <c>NORMAL</c> (durable against a process crash at once), and the
/// audit records they carry are acknowledged after this fsync.</para>
/// <para>Why it is enough: a commit has written its pages to the WAL file before it returns, so an fsync of that file
/// afterwards makes them durable. Content a checkpoint moved out of the WAL was synced by the checkpoint itself
/// (with <c>NORMAL</c>, SQLite syncs the WAL before a checkpoint and the database after it), and the WAL is only
/// rewritten from its start after such a checkpoint.</para>
/// </remarks>
internal sealed class SqliteWalSyncer : IDisposable
{
    private readonly string _walPath;
    private readonly string _databasePath;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private List<Action<Exception?>> _pending = [];
    private List<Action<Exception?>> _syncing = [];
    private FileStream? _wal;
    private bool _stopping;

    public SqliteWalSyncer(string databasePath)
    {
        _databasePath = databasePath;
        _walPath = databasePath + "-wal";
        _thread = new Thread(Run) { IsBackground = true, Name = "ThreadSync SQLite WAL sync" };
        _thread.Start();
    }

    /// <summary>Calls <paramref name="completion"/> (with the failure, if the sync failed) once everything committed so far is on disk.</summary>
    public void AfterNextSync(Action<Exception?> completion)
    {
        lock (_gate)
        {
            if (_stopping)
            {
                completion(new ObjectDisposedException(nameof(SqliteWalSyncer), "The SQLite store was disposed."));
                return;
            }

            _pending.Add(completion);
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>Starts a sync of everything committed so far, if none is waiting to start, without waiting for it.</summary>
    public void SyncSoon() => AfterNextSync(static _ => { });

    /// <summary>Syncs what is waiting, then stops.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.Pulse(_gate);
        }

        _thread.Join();
        _wal?.Dispose();
    }

    private void Run()
    {
        while (true)
        {
            lock (_gate)
            {
                while (_pending.Count == 0 && !_stopping)
                {
                    Monitor.Wait(_gate);
                }

                if (_pending.Count == 0)
                {
                    return;
                }

                (_syncing, _pending) = (_pending, _syncing);
            }

            Exception? failure = null;
            try
            {
                Sync();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                failure = ex;
            }

            foreach (var completion in _syncing)
            {
                completion(failure);
            }

            _syncing.Clear();
        }
    }

    private void Sync()
    {
        if (_wal is null && File.Exists(_walPath))
        {
            _wal = new FileStream(_walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        }

        if (_wal is not null)
        {
            _wal.Flush(flushToDisk: true);
            return;
        }

        // No WAL file (yet): what was committed is in the database file itself.
        using var database = new FileStream(_databasePath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        database.Flush(flushToDisk: true);
    }
}
