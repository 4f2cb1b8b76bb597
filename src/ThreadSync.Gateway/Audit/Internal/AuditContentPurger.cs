using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway.Governance.Internal;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Gateway.Audit.Internal;

/// <summary>Deletes expired audit content (<c>ThreadSync:Audit:ContentPurgeInterval</c>) at start-up and then periodically. The chain itself is never touched.</summary>
internal sealed partial class AuditContentPurger(
    GatewayStores stores,
    GatewayStorageInitializer initializer,
    IOptions<GatewayOptions> options,
    TimeProvider timeProvider,
    ILogger<AuditContentPurger> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Audit.ContentPurgeInterval, timeProvider);
        do
        {
            try
            {
                await initializer.EnsureInitializedAsync(stoppingToken).ConfigureAwait(false);
                var purged = await stores.Audit.PurgeContentAsync(timeProvider.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                if (purged > 0)
                {
                    LogPurged(logger, purged);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                LogPurgeFailed(logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Purged the expired audit content of {Count} records.")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "Purging expired audit content failed ({ExceptionType}); the next run retries.")]
    private static partial void LogPurgeFailed(ILogger logger, string exceptionType);
}
