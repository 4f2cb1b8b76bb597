using Microsoft.Extensions.Options;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Governance.Internal;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Gateway.Auth.Internal;

/// <summary>
/// Authenticates managed keys: the presented secret's SHA-256 hash is looked up in the store with its key, team and
/// org, on every request, so a revocation or rotation takes effect on the next request on every instance.
/// </summary>
/// <remarks>The lookup is by hash, so its timing says nothing about other keys' secrets.</remarks>
internal sealed class ManagedKeyAuthenticator(GatewayStores stores, GatewayStorageInitializer initializer, IOptions<GatewayOptions> options, TimeProvider timeProvider)
    : IGatewayAuthenticator, IGatewaySessionAuthenticator
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

        return CallerOf(credential, appAccess: null);
    }

    public async ValueTask<GatewayCaller?> AuthenticateSessionAsync(SubjectSession session, AppClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(client);
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var governance = stores.Governance;
        var key = await governance.GetKeyAsync(session.KeyId, cancellationToken).ConfigureAwait(false);
        if (key is null || key.RevokedAt is not null || !string.Equals(key.OrgId, session.OrgId, StringComparison.Ordinal))
        {
            return null;
        }

        var org = await governance.GetOrgAsync(key.OrgId, cancellationToken).ConfigureAwait(false);
        var team = key.TeamId is { } teamId ? await governance.GetTeamAsync(teamId, cancellationToken).ConfigureAwait(false) : null;
        if (org is null)
        {
            return null;
        }

        return CallerOf(new KeyCredential(key, team, org), client.Access) with
        {
            DisplayName = $"{key.Name} (session {session.Id})",
            SubjectId = session.SubjectId,
            SessionId = session.Id,
            AppClientId = client.Id,
        };
    }

    private GatewayCaller CallerOf(KeyCredential credential, AccessRules? appAccess)
    {
        var key = credential.Key;
        return new GatewayCaller(key.Id, key.Name)
        {
            OrgId = key.OrgId,
            TeamId = key.TeamId,
            Environment = key.Environment,
            AuditContentRetention = credential.Org.Policy.AuditContent ? TimeSpan.FromDays(credential.Org.Policy.AuditContentRetentionDays) : null,
            ConversationCapture = credential.Org.Policy.ConversationCapture,
            Governance = new CallerGovernance(credential, options.Value.Governance, appAccess),
        };
    }
}
