using Microsoft.Extensions.DependencyInjection;
using ThreadSync.Gateway;

namespace ThreadSync.Benchmarks;

/// <summary>The real gateway services, with every provider configured (no network is touched).</summary>
internal static class Setup
{
    public static ServiceProvider Gateway(RoutingStrategy strategy = RoutingStrategy.Balanced)
    {
        var services = new ServiceCollection();
        services.AddThreadSyncGateway(options =>
        {
            foreach (var provider in Enum.GetValues<GatewayProvider>())
            {
                options.Providers.Get(provider).ApiKey = "bench-key";
            }

            options.Routing.Strategy = strategy;
        });
        return services.BuildServiceProvider();
    }
}
