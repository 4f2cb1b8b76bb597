using Microsoft.Extensions.Options;

namespace ThreadSync.Hosting.Tests;

public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("ThreadSync:Providers:OpenAI:BaseUrl", "api.openai.com/v1")]
    [InlineData("ThreadSync:Http:MaxRequestBodyBytes", "0")]
    public async Task Start_MalformedSetting_FailsNamingTheSetting(string key, string value)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ServerUnderTest.StartServerAsync(new()
        {
            ["ThreadSync:Auth:BootstrapKeys:0"] = "k",
            [key] = value,
        }));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
