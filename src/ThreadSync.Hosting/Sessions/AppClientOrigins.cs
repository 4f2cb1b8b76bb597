using Microsoft.Extensions.Options;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Hosting.Sessions;

/// <summary>
/// The origins of every app client that is not revoked, for CORS: read from the store and trusted for
/// <c>ThreadSync:Sessions:OriginCacheDuration</c>, so a preflight costs no query. Changes through this instance's admin
/// API apply at once; other instances see them within the cache duration.
/// </summary>
internal sealed class AppClientOrigins(GatewayStores stores, IOptions<ThreadSyncSessionOptions> options, TimeProvider timeProvider)
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Snapshot? _snapshot;

    /// <summary>Whether some app client that is not revoked allows the origin.</summary>
    public async ValueTask<bool> IsRegisteredAsync(string origin, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetTimestamp();
        var snapshot = _snapshot;
        if (snapshot is null || timeProvider.GetElapsedTime(snapshot.ReadAt, now) > options.Value.OriginCacheDuration)
        {
            snapshot = await RefreshAsync(snapshot, cancellationToken);
        }

        return snapshot.Origins.Contains(origin);
    }

    /// <summary>Forgets the cached origins (an app client changed on this instance).</summary>
    public void Invalidate() => _snapshot = null;

    private async ValueTask<Snapshot> RefreshAsync(Snapshot? seen, CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            // Another request may have refreshed it while this one waited.
            if (_snapshot is { } current && !ReferenceEquals(current, seen))
            {
                return current;
            }

            var readAt = timeProvider.GetTimestamp();
            var clients = await stores.Sessions.ListAppClientsAsync(orgId: null, cancellationToken);
            var origins = new HashSet<string>(StringComparer.Ordinal);
            foreach (var client in clients)
            {
                if (client.RevokedAt is null)
                {
                    origins.UnionWith(client.AllowedOrigins);
                }
            }

            var snapshot = new Snapshot(origins, readAt);
            _snapshot = snapshot;
            return snapshot;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private sealed record Snapshot(HashSet<string> Origins, long ReadAt);
}
