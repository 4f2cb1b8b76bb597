using ThreadSync.Gateway.Storage;

namespace ThreadSync.Hosting.Admin;

/// <summary>
/// Brings the store's schema up before the admin API's first read, once per process. The gateway migrates at host
/// start too; this covers the admin key being provisioned before the host starts. Migrating is idempotent.
/// </summary>
internal sealed class AdminStoreReadiness(GatewayStores stores)
{
    private readonly Lock _lock = new();
    private Task? _ready;

    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        var task = Volatile.Read(ref _ready);
        if (task is { IsCompletedSuccessfully: true })
        {
            return task;
        }

        lock (_lock)
        {
            // A failed attempt (database down) is retried by the next caller.
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled)
            {
                _ready = stores.Migrator.MigrateAsync(CancellationToken.None);
            }

            return _ready.WaitAsync(cancellationToken);
        }
    }
}
