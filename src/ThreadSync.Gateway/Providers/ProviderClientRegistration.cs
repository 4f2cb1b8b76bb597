using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway;

/// <summary>
/// Plugs an <see cref="IChatClient"/> in as the client for a provider, in place of the built-in adapter
/// (for example Azure OpenAI for <see cref="GatewayProvider.OpenAI"/>, or a test double).
/// </summary>
/// <param name="Provider">The provider the client serves.</param>
/// <param name="Factory">Creates the client once, on first use.</param>
public sealed record ProviderClientRegistration(GatewayProvider Provider, Func<IServiceProvider, IChatClient> Factory);
