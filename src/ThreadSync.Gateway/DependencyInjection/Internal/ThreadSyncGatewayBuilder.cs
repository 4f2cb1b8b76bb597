using Microsoft.Extensions.DependencyInjection;

namespace ThreadSync.Gateway.DependencyInjection.Internal;

internal sealed class ThreadSyncGatewayBuilder(IServiceCollection services) : IThreadSyncGatewayBuilder
{
    public IServiceCollection Services { get; } = services;
}
