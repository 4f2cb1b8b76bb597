using ThreadSync.Gateway.Governance;

namespace ThreadSync.Gateway.Storage;

/// <summary>
/// A browser application allowed to use AI through subject sessions (issue 9): the origins its pages are served from,
/// the models its sessions may use, how long a session lives, and the org that owns it.
/// </summary>
public sealed record AppClient
{
    /// <summary>Gets the id (<c>app_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the owning org: only its keys mint share codes for the app, and its policy applies to the sessions.</summary>
    public required string OrgId { get; init; }

    /// <summary>Gets the display name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the exact origins (<c>scheme://host[:port]</c>, lowercase, no path) the app's pages are served from.</summary>
    public required IReadOnlyList<string> AllowedOrigins { get; init; }

    /// <summary>Gets the providers and models the app's sessions may use, on top of the minting key's and the org's rules.</summary>
    public AccessRules Access { get; init; } = AccessRules.AllowAll;

    /// <summary>Gets how long a session lives after its exchange.</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets when the app client was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the app client was revoked (no new share codes or exchanges; its sessions stop), if it was.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
}
