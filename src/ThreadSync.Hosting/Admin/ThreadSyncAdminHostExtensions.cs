using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ThreadSync.Hosting.Admin;

namespace ThreadSync.Hosting;

/// <summary>Start-up helpers for the admin API.</summary>
public static class ThreadSyncAdminHostExtensions
{
    /// <summary>
    /// Makes sure the admin API has a key. When <c>ThreadSync:Admin:ApiKey</c> is unset and the store holds no admin
    /// key yet, generates one (<c>tsg-admin-…</c>), keeps only its SHA-256 hash in the store (setting
    /// <c>admin_key_sha256</c>), and returns it: the only time it can be read. Show it to the operator once (on the
    /// console, never in a log). Returns <see langword="null"/> when a key is configured or was generated before
    /// (by this or another instance sharing the database).
    /// </summary>
    /// <remarks>
    /// Call it after building the host and before running it; it creates the store's schema if needed. To replace a
    /// lost generated key, set <c>ThreadSync:Admin:ApiKey</c> (which takes precedence), or delete the
    /// <c>admin_key_sha256</c> setting from the store and call this again.
    /// </remarks>
    /// <param name="host">The host (a <c>WebApplication</c>) whose services include <c>AddThreadSyncGateway</c> and <c>AddThreadSyncHosting</c>.</param>
    /// <param name="cancellationToken">A token to cancel the store operations.</param>
    /// <returns>The newly generated admin key, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="host"/> is <see langword="null"/>.</exception>
    public static Task<string?> EnsureThreadSyncAdminKeyAsync(this IHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.Services.GetRequiredService<AdminKeyProvisioner>().EnsureAsync(cancellationToken);
    }
}
