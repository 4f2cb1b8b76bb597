namespace ThreadSync.Gateway;

/// <summary>Turns a presented API key into the caller it belongs to.</summary>
/// <remarks>Implementations are thread-safe, never log or store the raw key, and compare in constant time.</remarks>
public interface IGatewayAuthenticator
{
    /// <summary>Authenticates an API key.</summary>
    /// <param name="apiKey">The key as presented by the client.</param>
    /// <param name="cancellationToken">A token to cancel the lookup.</param>
    /// <returns>The caller, or <see langword="null"/> when the key is unknown.</returns>
    ValueTask<GatewayCaller?> AuthenticateAsync(string apiKey, CancellationToken cancellationToken = default);
}
