using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway.Governance.Internal;
using ThreadSync.Gateway.Storage;
using ThreadSync.Gateway.Storage.Internal;

namespace ThreadSync.Gateway.Audit.Internal;

/// <summary>Deletes expired audit content (<c>ThreadSync:Audit:ContentPurgeInterval</c>) at start-up and then periodically. The chain itself is never touched.</summary>
internal sealed class AuditContentPurger(
    GatewayStores stores,
    GatewayStorageInitializer initializer,
    IOptions<GatewayOptions> options,
    TimeProvider timeProvider,
    ILogger<AuditContentPurger> logger) : PeriodicPurger(initializer, timeProvider, logger)
{
    protected override string What => "expired audit content";

    protected override TimeSpan Interval => options.Value.Audit.ContentPurgeInterval;

    protected override async Task<long> PurgeAsync(CancellationToken cancellationToken) =>
        await stores.Audit.PurgeContentAsync(Clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
}
