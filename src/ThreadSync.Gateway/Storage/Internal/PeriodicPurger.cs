using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ThreadSync.Gateway.Governance.Internal;

namespace ThreadSync.Gateway.Storage.Internal;

/// <summary>
/// A background purge: once at start-up (after the stores are ready), then every <see cref="Interval"/>. A failed run is
/// logged and the next one retries; a purge deletes only what already expired, so a late run loses nothing.
/// </summary>
internal abstract partial class PeriodicPurger(GatewayStorageInitializer initializer, TimeProvider timeProvider, ILogger logger) : BackgroundService
{
    /// <summary>Gets what the purge deletes, for the log (<c>expired audit content</c>).</summary>
    protected abstract string What { get; }

    /// <summary>Gets the time between runs.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>Gets the clock.</summary>
    protected TimeProvider Clock => timeProvider;

    /// <summary>Runs one purge.</summary>
    /// <param name="cancellationToken">Stops the purge.</param>
    /// <returns>How many rows (or records) were deleted.</returns>
    protected abstract Task<long> PurgeAsync(CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        do
        {
            try
            {
                await initializer.EnsureInitializedAsync(stoppingToken).ConfigureAwait(false);
                var purged = await PurgeAsync(stoppingToken).ConfigureAwait(false);
                if (purged > 0)
                {
                    LogPurged(logger, purged, What);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                LogPurgeFailed(logger, What, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Purged {Count} rows of {What}.")]
    private static partial void LogPurged(ILogger logger, long count, string what);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "Purging {What} failed ({ExceptionType}); the next run retries.")]
    private static partial void LogPurgeFailed(ILogger logger, string what, string exceptionType);
}
