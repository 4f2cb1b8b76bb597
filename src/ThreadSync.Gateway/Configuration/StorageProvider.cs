namespace ThreadSync.Gateway;

/// <summary>The database behind keys, limits, budgets and the usage ledger (<c>ThreadSync:Storage:Provider</c>).</summary>
public enum StorageProvider
{
    /// <summary>An embedded SQLite file (WAL mode): no setup, one instance.</summary>
    Sqlite,

    /// <summary>PostgreSQL: several gateway instances share one database and enforce limits together.</summary>
    Postgres,
}
