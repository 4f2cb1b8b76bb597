using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Http;

namespace ThreadSync.Hosting.Admin;

/// <summary>
/// Checks the admin key on every admin request: the presented key's SHA-256 hash against the configured key's
/// (<c>ThreadSync:Admin:ApiKey</c>) or, when none is configured, the stored one (<c>admin_key_sha256</c>), compared in
/// constant time. Inference keys are never admin keys. The stored hash is read on every request, so a reset takes
/// effect at once on every instance.
/// </summary>
internal sealed class AdminAuthenticator(GatewayStores stores, AdminStoreReadiness readiness, IOptionsMonitor<ThreadSyncAdminOptions> options)
{
    /// <summary>The actor recorded for actions taken with the configured key.</summary>
    public const string ConfiguredActor = "admin:configured-key";

    /// <summary>The actor recorded for actions taken with the generated key.</summary>
    public const string GeneratedActor = "admin:generated-key";

    private ConfiguredKey? _configured;

    /// <summary>Authenticates the request's admin key, or throws 401.</summary>
    /// <returns>The actor: a non-secret name of the admin credential, for the audit trail.</returns>
    public async ValueTask<string> AuthenticateAsync(HttpRequest request)
    {
        var presented = RequestGuards.ReadApiKey(request);
        if (string.IsNullOrEmpty(presented))
        {
            throw new GatewayException(401, GatewayErrorCodes.MissingApiKey, "No admin key was provided. Send it as 'Authorization: Bearer <admin key>' or 'x-api-key: <admin key>'.");
        }

        var (expected, actor) = await ExpectedAsync(request.HttpContext.RequestAborted);
        if (expected is null)
        {
            throw new GatewayException(401, GatewayErrorCodes.InvalidApiKey, "The admin API has no admin key yet: set ThreadSync:Admin:ApiKey, or start the reference server once to generate one.");
        }

        if (presented.Length > AdminKeyHash.MaxLength || !CryptographicOperations.FixedTimeEquals(AdminKeyHash.Hash(presented), expected))
        {
            throw new GatewayException(401, GatewayErrorCodes.InvalidApiKey, "The admin key is not valid. The admin API takes the admin key (ThreadSync:Admin:ApiKey), not an inference key.");
        }

        return actor;
    }

    private async ValueTask<(byte[]? Hash, string Actor)> ExpectedAsync(CancellationToken cancellationToken)
    {
        var configured = options.CurrentValue.ApiKey?.Trim();
        if (!string.IsNullOrEmpty(configured))
        {
            // Hashed once per configured value (the options may reload).
            var cached = Volatile.Read(ref _configured);
            if (cached is null || !string.Equals(cached.Key, configured, StringComparison.Ordinal))
            {
                cached = new ConfiguredKey(configured, AdminKeyHash.Hash(configured));
                Volatile.Write(ref _configured, cached);
            }

            return (cached.Hash, ConfiguredActor);
        }

        await readiness.EnsureAsync(cancellationToken);
        var stored = await stores.Governance.GetSettingAsync(AdminKeyHash.SettingName, cancellationToken);
        return (AdminKeyHash.ParseHex(stored), GeneratedActor);
    }

    /// <summary>The configured key with its hash (a class, not a record: nothing may print the key).</summary>
    private sealed class ConfiguredKey(string key, byte[] hash)
    {
        public string Key { get; } = key;

        public byte[] Hash { get; } = hash;
    }
}
