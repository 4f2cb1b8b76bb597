namespace ThreadSync.Gateway;

/// <summary>Where the gateway keeps its durable state, bound from <c>ThreadSync:Storage</c>.</summary>
public sealed class StorageOptions
{
    /// <summary>Gets or sets the database (<c>ThreadSync:Storage:Provider</c>): <c>Sqlite</c> (default) or <c>Postgres</c>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Gets or sets the connection string (<c>ThreadSync:Storage:ConnectionString</c>).</summary>
    /// <value>
    /// Required for PostgreSQL (an Npgsql connection string). For SQLite, defaults to
    /// <c>Data Source=&lt;DataDirectory&gt;/threadsync.db</c>.
    /// </value>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets the folder of the SQLite file when no connection string is set (<c>ThreadSync:Storage:DataDirectory</c>).</summary>
    /// <value><c>data</c>, relative to the working directory, by default; created when missing.</value>
    public string DataDirectory { get; set; } = "data";
}
