using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway.Governance.Internal;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Gateway.Conversations.Internal;

/// <summary>
/// Deletes each org's conversations idle for longer than its <c>conversation_retention_days</c>, with every turn, at
/// start-up and then every <c>ThreadSync:Conversations:PurgeInterval</c>. Orgs without a retention keep theirs until
/// they are deleted.
/// </summary>
internal sealed partial class ConversationRetentionPurger(
    GatewayStores stores,
    GatewayStorageInitializer initializer,
    IOptions<GatewayOptions> options,
    TimeProvider timeProvider,
    ILogger<ConversationRetentionPurger> logger) : BackgroundService
{
    /// <summary>Purges every org's expired conversations once.</summary>
    /// <param name="cancellationToken">Stops the purge between orgs and batches.</param>
    /// <returns>How many conversations were deleted.</returns>
    public async Task<long> PurgeOnceAsync(CancellationToken cancellationToken)
    {
        await initializer.EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        long total = 0;
        foreach (var org in await stores.Governance.ListOrgsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (org.Policy.ConversationRetentionDays is { } days)
            {
                var purged = await stores.Conversations.PurgeAsync(org.Id, now - TimeSpan.FromDays(days), cancellationToken).ConfigureAwait(false);
                if (purged > 0)
                {
                    LogPurged(logger, purged, org.Id, days);
                }

                total += purged;
            }
        }

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Conversations.PurgeInterval, timeProvider);
        do
        {
            try
            {
                await PurgeOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                LogPurgeFailed(logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 7010, Level = LogLevel.Information, Message = "Purged {Count} conversations of org {OrgId} idle for more than {Days} days.")]
    private static partial void LogPurged(ILogger logger, long count, string orgId, int days);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Warning, Message = "Purging expired conversations failed ({ExceptionType}); the next run retries.")]
    private static partial void LogPurgeFailed(ILogger logger, string exceptionType);
}
