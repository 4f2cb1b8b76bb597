using Microsoft.Extensions.Options;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Gateway.Governance.Internal;

/// <summary>
/// Brings the store up once per process: migrates the schema and imports the bootstrap keys
/// (<c>ThreadSync:Auth:BootstrapKeys</c>). Hosts run it at start-up so a bad database fails fast; the authenticator
/// awaits it too, for in-process hosts that do not.
/// </summary>
internal sealed class GatewayStorageInitializer(GatewayStores stores, IOptions<GatewayOptions> options, TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private Task? _initialized;

    public Task EnsureInitializedAsync(CancellationToken cancellationToken = default)
    {
        var task = Volatile.Read(ref _initialized);
        if (task is { IsCompletedSuccessfully: true })
        {
            return task;
        }

        lock (_lock)
        {
            // A failed attempt (database down at start-up) is retried by the next caller.
            if (_initialized is null || _initialized.IsFaulted || _initialized.IsCanceled)
            {
                _initialized = InitializeAsync();
            }

            return _initialized.WaitAsync(cancellationToken);
        }
    }

    private async Task InitializeAsync()
    {
        await stores.Migrator.MigrateAsync(CancellationToken.None).ConfigureAwait(false);
        var auth = options.Value.Auth;
        if (auth.BootstrapKeys.Count == 0)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        var org = new Org { Id = auth.BootstrapOrg, Name = auth.BootstrapOrg, CreatedAt = now };
        await stores.Governance.CreateOrgAsync(org, CancellationToken.None).ConfigureAwait(false);
        foreach (var secret in auth.BootstrapKeys)
        {
            // A secret's hash is unique in the store: importing again, or from another instance at the same time,
            // creates nothing, and a bootstrap key revoked through the admin API stays revoked.
            var key = new GatewayKey
            {
                Id = EntityIds.New("key_"),
                OrgId = auth.BootstrapOrg,
                Name = "bootstrap key …" + KeySecrets.Hint(secret),
                Hint = KeySecrets.Hint(secret),
                Tier = auth.BootstrapTier,
                CreatedAt = now,
            };
            await stores.Governance.CreateKeyAsync(key, KeySecrets.Hash(secret), CancellationToken.None).ConfigureAwait(false);
        }
    }
}
