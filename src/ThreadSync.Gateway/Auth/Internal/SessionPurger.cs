using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ThreadSync.Gateway.Governance.Internal;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Gateway.Auth.Internal;

/// <summary>
/// Deletes expired share codes, nonces and browser sessions at start-up and then every ten minutes. Nothing expired is
/// ever accepted (every check compares expiry with the clock); this only keeps the tables small.
/// </summary>
internal sealed partial class SessionPurger(
    GatewayStores stores,
    GatewayStorageInitializer initializer,
    TimeProvider timeProvider,
    ILogger<SessionPurger> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        do
        {
            try
            {
                await initializer.EnsureInitializedAsync(stoppingToken).ConfigureAwait(false);
                var purged = await stores.Sessions.PurgeExpiredAsync(timeProvider.GetUtcNow(), stoppingToken).ConfigureAwait(false);
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

    [LoggerMessage(EventId = 7020, Level = LogLevel.Debug, Message = "Purged {Count} expired share codes, nonces and sessions.")]
    private static partial void LogPurged(ILogger logger, long count);

    [LoggerMessage(EventId = 7021, Level = LogLevel.Warning, Message = "Purging expired sessions failed ({ExceptionType}); the next run retries.")]
    private static partial void LogPurgeFailed(ILogger logger, string exceptionType);
}
