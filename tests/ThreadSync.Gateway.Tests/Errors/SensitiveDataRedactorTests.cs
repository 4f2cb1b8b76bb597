namespace ThreadSync.Gateway.Tests.Errors;

public sealed class SensitiveDataRedactorTests
{
    [Theory]
    [InlineData("Incorrect API key provided: sk-proj-abcdef123456.", "sk-proj-abcdef123456")]
    [InlineData("call https://api.example.com/v1?key=AIzaSyA1234567890123456789012 failed", "api.example.com")]
    [InlineData("Authorization: Bearer eyJhbGciOi.payload.sig", "eyJhbGciOi")]
    [InlineData("key xai-ABCDEFGH12345678 rejected", "xai-ABCDEFGH12345678")]
    [InlineData("client key tsg-Abc123Def456Ghi789 is not valid", "tsg-Abc123Def456Ghi789")]
    [InlineData("request to /v1/models?key=shortsecret1 failed", "shortsecret1")]
    [InlineData("form api_key=hunter2hunter2&x=1", "hunter2hunter2")]
    [InlineData("headers: x-api-key: abc123secret, accept: */*", "abc123secret")]
    [InlineData("x-goog-api-key=gk-secret-value", "gk-secret-value")]
    [InlineData("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz")]
    [InlineData("proxy said access_token=tok_live_123 expired", "tok_live_123")]
    [InlineData("retry at internal-proxy.corp.example/v1/chat later", "internal-proxy.corp.example")]
    [InlineData("upstream 10.1.2.3:8443/api refused", "10.1.2.3")]
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
        Assert.Equal("max_tokens must be at most 8192, e.g. 4096.", SensitiveDataRedactor.Redact("max_tokens must be at most 8192, e.g. 4096."));
        Assert.Equal("Use messages[0].content, not prompt.", SensitiveDataRedactor.Redact("Use messages[0].content, not prompt."));
        Assert.True(SensitiveDataRedactor.Redact(new string('a', 5000) + " x")!.Length <= 501);
        Assert.Null(SensitiveDataRedactor.Redact("   "));
    }
}
