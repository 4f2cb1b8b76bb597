using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway;

/// <summary>Reads the gateway's facts (provider, route, usage and cost) off a response from the gateway's <c>IChatClient</c>.</summary>
public static class GatewayChatResponseExtensions
{
    /// <summary>Gets the request context of a response produced by the gateway.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The context, or <see langword="null"/> when the response did not come through the gateway.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is <see langword="null"/>.</exception>
    public static GatewayRequestContext? GetGatewayContext(this ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.AdditionalProperties?.TryGetValue(GatewayChatOptionsExtensions.ContextKey, out var value) == true ? value as GatewayRequestContext : null;
    }

    /// <summary>Gets the request context carried by a streamed update (set on the update that carries usage).</summary>
    /// <param name="update">The update.</param>
    /// <returns>The context, or <see langword="null"/> when the update carries none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="update"/> is <see langword="null"/>.</exception>
    public static GatewayRequestContext? GetGatewayContext(this ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return update.AdditionalProperties?.TryGetValue(GatewayChatOptionsExtensions.ContextKey, out var value) == true ? value as GatewayRequestContext : null;
    }
}
