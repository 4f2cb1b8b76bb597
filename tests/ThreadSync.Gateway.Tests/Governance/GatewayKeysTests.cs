using System.Security.Cryptography;
using System.Text;
using ThreadSync.Gateway.Governance;

namespace ThreadSync.Gateway.Tests.Governance;

/// <summary>The public key and tier helpers hosts use to manage keys outside the gateway.</summary>
public sealed class GatewayKeysTests
{
    [Fact]
    public void Generate_MakesDistinctTsgSecretsOf256Bits()
    {
        var secrets = Enumerable.Range(0, 100).Select(_ => GatewayKeys.Generate()).ToList();

        Assert.All(secrets, s => Assert.Matches("^tsg-[A-Za-z0-9]{43}$", s));
        Assert.Equal(secrets.Count, secrets.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void HashAndHint_AreSha256AndTheLastFourCharacters()
    {
        const string Secret = "tsg-abcdefghij0123456789";

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(Secret)), GatewayKeys.Hash(Secret));
        Assert.Equal("6789", GatewayKeys.Hint(Secret));
        Assert.Throws<ArgumentNullException>(() => GatewayKeys.Hash(null!));
    }

    [Theory]
    [InlineData("acme", true)]
    [InlineData("team_a-1", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("Acme", false)]
    [InlineData("a b", false)]
    [InlineData("a/b", false)]
    public void IsValidId_AcceptsLowercaseDigitsDashUnderscore(string? id, bool valid) => Assert.Equal(valid, GatewayKeys.IsValidId(id));

    [Fact]
    public void IsValidId_AcceptsAtMost64Characters()
    {
        Assert.True(GatewayKeys.IsValidId(new string('a', 64)));
        Assert.False(GatewayKeys.IsValidId(new string('a', 65)));
    }

    [Fact]
    public void NewId_IsPrefixedValidAndRandom()
    {
        var id = GatewayKeys.NewId("org_");

        Assert.StartsWith("org_", id, StringComparison.Ordinal);
        Assert.True(GatewayKeys.IsValidId(id));
        Assert.NotEqual(id, GatewayKeys.NewId("org_"));
        Assert.Throws<ArgumentException>(() => GatewayKeys.NewId("Bad Prefix"));
    }

    [Fact]
    public void Tiers_ConfiguredOnesComeFirst_AndFindIsCaseInsensitive()
    {
        var options = new GovernanceOptions();
        options.Tiers["gold"] = new TierOptions { RequestsPerHour = 5000 };

        Assert.Equal(["gold", "free", "standard", "unlimited"], GatewayTiers.Names(options));
        Assert.Equal(5000, GatewayTiers.Find(options, "GOLD")?.RequestsPerHour);
        Assert.Equal(60, GatewayTiers.Find(options, "free")?.RequestsPerHour);
        Assert.Null(GatewayTiers.Find(options, "platinum"));
    }
}
