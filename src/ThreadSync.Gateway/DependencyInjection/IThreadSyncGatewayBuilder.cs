using Microsoft.Extensions.DependencyInjection;

namespace ThreadSync.Gateway;

/// <summary>Returned by <c>AddThreadSyncGateway</c> so further gateway configuration can be chained.</summary>
public interface IThreadSyncGatewayBuilder
{
    /// <summary>Gets the service collection the gateway is registered in.</summary>
    IServiceCollection Services { get; }
}
