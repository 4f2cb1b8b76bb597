namespace ThreadSync.Gateway.Tests.Errors;

public sealed class SensitiveDataRedactorTests
{
    [Theory]
    [InlineData("Incorrect API key provided: sk-proj-abcdef123456.", "sk-proj-abcdef123456")]
    [InlineData("call https://api.example.com/v1?key=AIzaSyA1234567890123456789012 failed", "api.example.com")]
    [InlineData("Authorization: Bearer eyJhbGciOi.payload.sig", "eyJhbGciOi")]
    [InlineData("key xai-ABCDEFGH12345678 rejected", "xai-ABCDEFGH12345678")]
    public void Redact_RemovesSecretsAndUrls(string input, string secret)
    {
        var result = SensitiveDataRedactor.Redact(input);
        Assert.NotNull(result);
        Assert.DoesNotContain(secret, result, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_KeepsOrdinaryText_AndCapsLength()
    {
        Assert.Equal("Invalid value for 'temperature'.", SensitiveDataRedactor.Redact("Invalid value for 'temperature'."));
        Assert.True(SensitiveDataRedactor.Redact(new string('a', 5000) + " x")!.Length <= 501);
        Assert.Null(SensitiveDataRedactor.Redact("   "));
    }
}
