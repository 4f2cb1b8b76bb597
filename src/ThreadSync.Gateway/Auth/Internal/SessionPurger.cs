using Microsoft.Extensions.Logging;
using ThreadSync.Gateway.Governance.Internal;
using ThreadSync.Gateway.Storage;
using ThreadSync.Gateway.Storage.Internal;

namespace ThreadSync.Gateway.Auth.Internal;

/// <summary>
/// Deletes expired share codes, nonces and browser sessions at start-up and then every ten minutes. Nothing expired is
/// ever accepted (every check compares expiry with the clock); this only keeps the tables small.
/// </summary>
internal sealed class SessionPurger(
    GatewayStores stores,
    GatewayStorageInitializer initializer,
    TimeProvider timeProvider,
    ILogger<SessionPurger> logger) : PeriodicPurger(initializer, timeProvider, logger)
{
    protected override string What => "expired share codes, nonces and sessions";

    protected override TimeSpan Interval => TimeSpan.FromMinutes(10);

    protected override async Task<long> PurgeAsync(CancellationToken cancellationToken) =>
        await stores.Sessions.PurgeExpiredAsync(Clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
}
