namespace ThreadSync.Gateway.Governance;

/// <summary>What a presented key secret resolves to: the key with its team and org, read together.</summary>
/// <param name="Key">The key.</param>
/// <param name="Team">The key's team, if it has one.</param>
/// <param name="Org">The key's org.</param>
public sealed record KeyCredential(GatewayKey Key, Team? Team, Org Org);
