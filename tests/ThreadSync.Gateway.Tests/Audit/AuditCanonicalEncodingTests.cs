using System.Security.Cryptography;
using System.Text;
using ThreadSync.Gateway.Audit;

namespace ThreadSync.Gateway.Tests.Audit;

/// <summary>
/// The canonical encoding and hash against known answers computed by an independent implementation of
/// <c>docs/audit.md</c> (a few lines of Python), so the documentation and the code cannot drift apart.
/// </summary>
public sealed class AuditCanonicalEncodingTests
{
    /// <summary>The example record of docs/audit.md.</summary>
    private static readonly AuditRecord Example = new()
    {
        Sequence = 1,
        At = new DateTimeOffset(2025, 3, 14, 10, 0, 30, TimeSpan.Zero).AddTicks(1_234_567),
        Kind = AuditKinds.Inference,
        CorrelationId = "0192f1c2a3b44c5d8e9f0a1b2c3d4e5f",
        KeyId = "key_a1b2c3",
        OrgId = "acme",
        Endpoint = "/v1/chat/completions",
        Model = "gpt-4o",
        Provider = "openai",
        RouteMethod = "pinned",
        Verdict = "ok",
        InputTokens = 12,
        OutputTokens = 5,
        CostUsd = 0.0000375000m,
        LatencyMs = 842,
        StatusCode = 200,
        PromptSha256 = Convert.ToHexStringLower(SHA256.HashData("hello"u8)),
    };

    [Fact]
    public void Encode_TheDocumentedExample_MatchesTheIndependentImplementation()
    {
        const string Expected =
            "5453415544495431010000000131010000001b323032352d30332d31345431303a30303a33302e3132333435365a0100000009696e666572656e63650100000020303139"
            + "3266316332613362343463356438653966306131623263336434653566010000000a6b65795f613162326333010000000461636d650001000000142f76312f6368"
            + "61742f636f6d706c6574696f6e7301000000066770742d346f01000000066f70656e6169010000000670696e6e656401000000026f6b01000000023132010000"
            + "0001350100000009302e30303030333735010000000338343201000000033230300100000001300100000040326366323464626135666230613330653236653833"
            + "623261633562396532396531623136316535633166613734323565373330343333363239333862393832340000000000";

        Assert.Equal(Expected, Convert.ToHexStringLower(AuditCanonicalEncoding.Encode(Example)));
    }

    [Fact]
    public void ComputeHash_TheDocumentedExample_MatchesTheIndependentImplementation()
    {
        var previous = Convert.ToHexStringLower(SHA256.HashData("previous"u8));

        Assert.Equal("2c7b8a53bbc669a3b76ec8f94923c5188c864f2cef00929c2d18f80ba059bfae", AuditCanonicalEncoding.ComputeHash(previous, Example));
    }

    [Fact]
    public void ComputeHash_AGenesisRecord_MatchesTheIndependentImplementation()
    {
        var genesis = new AuditRecord { At = new DateTimeOffset(2025, 3, 14, 10, 0, 0, TimeSpan.Zero), Kind = AuditKinds.Genesis };

        Assert.Equal("5314c6217fa638905dedc5496f5a69e070f8468faed6997c7bf8bc1e7e9c738d", AuditCanonicalEncoding.ComputeHash(AuditCanonicalEncoding.GenesisPreviousHash, genesis));
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("0.000", "0")]
    [InlineData("1", "1")]
    [InlineData("1.50", "1.5")]
    [InlineData("0.0000000375", "0.0000000375")]
    [InlineData("1234567.8900", "1234567.89")]
    [InlineData("0.0000000000000000000000000001", "0.0000000000000000000000000001")]
    [InlineData("-2.50", "-2.5")]
    public void FormatCost_IsPlainDecimalWithoutTrailingZeros(string value, string expected) =>
        Assert.Equal(expected, AuditCanonicalEncoding.FormatCost(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void FormatTime_IsUtcWithMicroseconds_WhateverTheOffset()
    {
        var time = new DateTimeOffset(2025, 3, 14, 12, 0, 30, TimeSpan.FromHours(2)).AddTicks(9);

        Assert.Equal("2025-03-14T10:00:30.000000Z", AuditCanonicalEncoding.FormatTime(time));
        Assert.Equal("2025-03-14T10:00:30.000001Z", AuditCanonicalEncoding.FormatTime(time.AddTicks(1)));
    }

    [Fact]
    public void Encode_SeparatesAbsentFromEmpty_AndCannotBeShiftedBetweenFields()
    {
        var a = Example with { TeamId = null, Target = "x" };
        var b = Example with { TeamId = string.Empty, Target = "x" };
        var c = Example with { Actor = "ab", Action = null };
        var d = Example with { Actor = "a", Action = "b" };

        Assert.NotEqual(AuditCanonicalEncoding.Encode(a), AuditCanonicalEncoding.Encode(b));
        Assert.NotEqual(AuditCanonicalEncoding.Encode(c), AuditCanonicalEncoding.Encode(d));
    }

    [Fact]
    public void ComputeHash_IgnoresTheStatedHashesAndContent()
    {
        var previous = AuditCanonicalEncoding.GenesisPreviousHash;
        var decorated = Example with { PreviousHash = "ab", Hash = "cd", Content = new AuditContent { Prompt = Encoding.UTF8.GetBytes("x"), ExpiresAt = DateTimeOffset.MaxValue } };

        Assert.Equal(AuditCanonicalEncoding.ComputeHash(previous, Example), AuditCanonicalEncoding.ComputeHash(previous, decorated));
        Assert.Throws<FormatException>(() => AuditCanonicalEncoding.ComputeHash("not hex", Example));
    }
}
