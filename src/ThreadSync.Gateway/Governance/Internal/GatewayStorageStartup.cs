using Microsoft.Extensions.Hosting;

namespace ThreadSync.Gateway.Governance.Internal;

/// <summary>Initializes the store when the host starts, so a missing or unreachable database fails start-up, not the first request.</summary>
internal sealed class GatewayStorageStartup(GatewayStorageInitializer initializer) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => initializer.EnsureInitializedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
