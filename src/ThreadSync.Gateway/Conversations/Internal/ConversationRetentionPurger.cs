using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway.Governance.Internal;
using ThreadSync.Gateway.Storage;
using ThreadSync.Gateway.Storage.Internal;

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
    ILogger<ConversationRetentionPurger> logger) : PeriodicPurger(initializer, timeProvider, logger)
{
    protected override string What => "conversations past their org's retention";

    protected override TimeSpan Interval => options.Value.Conversations.PurgeInterval;

    /// <summary>Purges every org's expired conversations once.</summary>
    /// <param name="cancellationToken">Stops the purge between orgs and batches.</param>
    /// <returns>How many conversations were deleted.</returns>
    protected override async Task<long> PurgeAsync(CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow();
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

    [LoggerMessage(EventId = 7010, Level = LogLevel.Information, Message = "Purged {Count} conversations of org {OrgId} idle for more than {Days} days.")]
    private static partial void LogPurged(ILogger logger, long count, string orgId, int days);
}
