namespace ThreadSync.Gateway.Storage;

/// <summary>What a quota scope's id names. Reservations lock scopes in this order (keys, then teams, then orgs).</summary>
public enum QuotaScopeKind
{
    /// <summary>An API key.</summary>
    Key,

    /// <summary>A team.</summary>
    Team,

    /// <summary>An org.</summary>
    Org,
}
