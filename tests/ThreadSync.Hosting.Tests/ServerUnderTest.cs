using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using ThreadSync.Sample.Server;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests;

/// <summary>The reference server, started for real on a loopback port, with OpenAI served by a fake upstream.</summary>
public sealed class ServerUnderTest : IAsyncLifetime
{
    public const string ClientKey = "tsg-test-client-key-0123456789";
    public const string UpstreamKey = "sk-upstream-SECRET-abcdef0123456789";

    private WebApplication? _app;

    public FakeProviderServer Upstream { get; private set; } = null!;

    public Uri BaseUrl { get; private set; } = null!;

    public HttpClient Http { get; } = new();

    public static async Task<WebApplication> StartServerAsync(Dictionary<string, string?> settings)
    {
        var app = SampleServer.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
        });
        await app.StartAsync();
        return app;
    }

    public async ValueTask InitializeAsync()
    {
        Upstream = await FakeProviderServer.StartAsync(FakeProviderKind.OpenAI, new FakeProviderOptions { ApiKey = UpstreamKey });
        _app = await StartServerAsync(new()
        {
            ["ThreadSync:Providers:OpenAI:ApiKey"] = UpstreamKey,
            ["ThreadSync:Providers:OpenAI:BaseUrl"] = Upstream.BaseUrl.ToString(),
            ["ThreadSync:Auth:ApiKeys:0"] = ClientKey,
            ["ThreadSync:Http:MaxRequestBodyBytes"] = "65536",
        });
        BaseUrl = new Uri(_app.Urls.Single());
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await Upstream.DisposeAsync();
    }
}
