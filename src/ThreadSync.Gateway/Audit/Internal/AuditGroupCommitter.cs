using System.Threading.Channels;

namespace ThreadSync.Gateway.Audit.Internal;

/// <summary>
/// Group commit for one store instance: appends queue in a channel; one background loop takes everything queued (up to
/// <see cref="MaxBatch"/>), has the store chain and insert it in one transaction, and only then completes each append.
/// While a batch commits the next one gathers, so the commit cost is shared by every append that arrived meanwhile.
/// </summary>
internal sealed class AuditGroupCommitter : IAsyncDisposable
{
    /// <summary>The most records one transaction inserts (bounds how long it holds the database's write lock).</summary>
    public const int MaxBatch = 256;

    private readonly Channel<PendingAuditAppend> _queue = Channel.CreateUnbounded<PendingAuditAppend>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });

    private readonly Func<List<PendingAuditAppend>, ValueTask> _commit;
    private Task? _loop;

    /// <summary>Initializes a new instance of the <see cref="AuditGroupCommitter"/> class.</summary>
    /// <param name="commit">Chains and commits a batch in one transaction, or throws (every append of the batch then fails).</param>
    public AuditGroupCommitter(Func<List<PendingAuditAppend>, ValueTask> commit) => _commit = commit;

    public ValueTask<AuditHead> AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrEmpty(record.Kind);
        var pending = new PendingAuditAppend(record);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(AuditGroupCommitter), "The audit chain's store was disposed.");
        }

        if (Volatile.Read(ref _loop) is null)
        {
            Start();
        }

        return new ValueTask<AuditHead>(cancellationToken.CanBeCanceled ? pending.Task.WaitAsync(cancellationToken) : pending.Task);
    }

    /// <summary>Stops taking appends and waits until those queued are committed (or failed).</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (Volatile.Read(ref _loop) is { } loop)
        {
            await loop.ConfigureAwait(false);
        }
        else
        {
            // Nothing ever started the loop: fail anything that slipped in.
            while (_queue.Reader.TryRead(out var pending))
            {
                pending.Fail(new ObjectDisposedException(nameof(AuditGroupCommitter)));
            }
        }
    }

    private void Start()
    {
        var loop = new Task<Task>(RunAsync);
        if (Interlocked.CompareExchange(ref _loop, loop.Unwrap(), null) is null)
        {
            loop.Start(TaskScheduler.Default);
        }
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingAuditAppend>(MaxBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                await _commit(batch).ConfigureAwait(false);
                foreach (var pending in batch)
                {
                    pending.Complete();
                }
            }
            catch (Exception ex)
            {
                foreach (var pending in batch)
                {
                    pending.Fail(ex);
                }
            }

            batch.Clear();
        }
    }
}
