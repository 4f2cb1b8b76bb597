namespace ThreadSync.Gateway.Storage;

/// <summary>Creates or upgrades the database schema. Safe to run concurrently from several instances and repeatedly.</summary>
public interface IGatewayStoreMigrator
{
    /// <summary>Brings the schema to the current version.</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);
}
