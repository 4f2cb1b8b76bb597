using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace ThreadSync.Gateway.Auth.Internal;

/// <summary>
/// Interim authenticator over the static keys in <c>ThreadSync:Auth:ApiKeys</c>. Only SHA-256 hashes of the
/// keys are kept; a caller's key id is a short prefix of that hash, safe to log.
/// </summary>
internal sealed class ConfiguredKeyAuthenticator : IGatewayAuthenticator
{
    private readonly (byte[] Hash, GatewayCaller Caller)[] _keys;

    public ConfiguredKeyAuthenticator(IOptions<GatewayOptions> options)
    {
        _keys = options.Value.Auth.ApiKeys
            .Where(static key => !string.IsNullOrWhiteSpace(key))
            .Select(static key => Hash(key))
            .DistinctBy(static hash => Convert.ToHexString(hash))
            .Select(static hash =>
            {
                var keyId = "cfg_" + Convert.ToHexStringLower(hash.AsSpan(0, 6));
                return (hash, new GatewayCaller(keyId, "configured key " + keyId));
            })
            .ToArray();
    }

    public ValueTask<GatewayCaller?> AuthenticateAsync(string apiKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        var presented = Hash(apiKey);
        GatewayCaller? match = null;
        foreach (var (hash, caller) in _keys)
        {
            // Compare against every key so the time taken does not depend on which one matched.
            if (CryptographicOperations.FixedTimeEquals(hash, presented))
            {
                match = caller;
            }
        }

        return ValueTask.FromResult(match);
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
