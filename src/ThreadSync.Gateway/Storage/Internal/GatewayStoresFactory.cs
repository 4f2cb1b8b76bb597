using ThreadSync.Gateway.Storage.Postgres;
using ThreadSync.Gateway.Storage.Sqlite;

namespace ThreadSync.Gateway.Storage.Internal;

/// <summary>Opens the configured backend (<c>ThreadSync:Storage</c>). Nothing touches the database until first use.</summary>
internal static class GatewayStoresFactory
{
    /// <summary>The SQLite file name in <see cref="StorageOptions.DataDirectory"/>.</summary>
    public const string SqliteFileName = "threadsync.db";

    public static GatewayStores Create(StorageOptions options, AuditDurability auditDurability, TimeProvider timeProvider) => options.Provider switch
    {
        StorageProvider.Postgres => PostgresStores.Create(options.ConnectionString!, timeProvider, auditDurability),
        _ => SqliteStores.Create(options.ConnectionString ?? $"Data Source={Path.GetFullPath(Path.Combine(options.DataDirectory, SqliteFileName))}", timeProvider, auditDurability),
    };
}
