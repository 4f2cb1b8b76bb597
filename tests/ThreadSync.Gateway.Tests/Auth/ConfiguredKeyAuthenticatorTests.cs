using Microsoft.Extensions.Options;
using ThreadSync.Gateway.Auth.Internal;

namespace ThreadSync.Gateway.Tests.Auth;

public sealed class ConfiguredKeyAuthenticatorTests
{
    private static ConfiguredKeyAuthenticator Create(params string[] keys) =>
        new(Options.Create(new GatewayOptions { Auth = new GatewayAuthOptions { ApiKeys = keys } }));

    [Fact]
    public async Task Authenticate_KnownKey_ReturnsStableNonSecretId()
    {
        var authenticator = Create("tsg-alpha-key", "tsg-beta-key");

        var alpha = await authenticator.AuthenticateAsync("tsg-alpha-key", TestContext.Current.CancellationToken);
        var again = await authenticator.AuthenticateAsync("tsg-alpha-key", TestContext.Current.CancellationToken);
        var beta = await authenticator.AuthenticateAsync("tsg-beta-key", TestContext.Current.CancellationToken);

        Assert.NotNull(alpha);
        Assert.Equal(alpha, again);
        Assert.NotEqual(alpha!.KeyId, beta!.KeyId);
        Assert.DoesNotContain("alpha", alpha.KeyId, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tsg-alpha-ke")]
    [InlineData("TSG-ALPHA-KEY")]
    [InlineData("")]
    public async Task Authenticate_UnknownKey_ReturnsNull(string presented)
    {
        Assert.Null(await Create("tsg-alpha-key").AuthenticateAsync(presented, TestContext.Current.CancellationToken));
    }
}
