using Microsoft.Extensions.Options;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Hosting.Admin;

/// <summary>
/// Makes sure the admin API has a key: when none is configured (<c>ThreadSync:Admin:ApiKey</c>) and none is stored,
/// generates one, stores only its SHA-256 hash (setting <c>admin_key_sha256</c>) and returns it, once, to be shown
/// to the operator. Several instances racing on one database agree on one key: only the one whose hash was stored
/// gets it back.
/// </summary>
internal sealed class AdminKeyProvisioner(GatewayStores stores, AdminStoreReadiness readiness, IOptions<ThreadSyncAdminOptions> options)
{
    public async Task<string?> EnsureAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(options.Value.ApiKey))
        {
            return null;
        }

        await readiness.EnsureAsync(cancellationToken);
        if (await stores.Governance.GetSettingAsync(AdminKeyHash.SettingName, cancellationToken) is not null)
        {
            return null;
        }

        var key = AdminKeyHash.Generate();
        var hash = AdminKeyHash.HashHex(key);
        var inForce = await stores.Governance.SetSettingIfAbsentAsync(AdminKeyHash.SettingName, hash, cancellationToken);
        return string.Equals(inForce, hash, StringComparison.Ordinal) ? key : null;
    }
}
