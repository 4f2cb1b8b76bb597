using Microsoft.Extensions.Options;
using ThreadSync.Gateway.Governance.Internal;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Gateway.Auth.Internal;

/// <summary>
/// Authenticates managed keys: the presented secret's SHA-256 hash is looked up in the store with its key, team and
/// org, on every request, so a revocation or rotation takes effect on the next request on every instance.
/// </summary>
/// <remarks>The lookup is by hash, so its timing says nothing about other keys' secrets.</remarks>
internal sealed class ManagedKeyAuthenticator(GatewayStores stores, GatewayStorageInitializer initializer, IOptions<GatewayOptions> options, TimeProvider timeProvider)
    : IGatewayAuthenticator
{
    public async ValueTask<GatewayCaller?> AuthenticateAsync(string apiKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        if (apiKey.Length is 0 or > KeySecrets.MaxLength)
        {
            return null;
        }

        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var credential = await stores.Governance.FindCredentialAsync(KeySecrets.Hash(apiKey), timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (credential is null)
        {
            return null;
        }

        var key = credential.Key;
        return new GatewayCaller(key.Id, key.Name)
        {
            OrgId = key.OrgId,
            TeamId = key.TeamId,
            Environment = key.Environment,
            AuditContentRetention = credential.Org.Policy.AuditContent ? TimeSpan.FromDays(credential.Org.Policy.AuditContentRetentionDays) : null,
            ConversationCapture = credential.Org.Policy.ConversationCapture,
            Governance = new CallerGovernance(credential, options.Value.Governance),
        };
    }
}
