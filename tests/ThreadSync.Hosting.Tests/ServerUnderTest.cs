using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using ThreadSync.Sample.Server;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests;

/// <summary>
/// The reference server, started for real on a loopback port, with every provider (OpenAI, xAI, Perplexity,
/// Anthropic, Gemini) served by its own fake upstream.
/// </summary>
public sealed class ServerUnderTest : IAsyncLifetime
{
    public const string ClientKey = "tsg-test-client-key-0123456789";
    public const string UpstreamKey = "sk-upstream-SECRET-abcdef0123456789";

    private readonly Dictionary<FakeProviderKind, FakeProviderServer> _upstreams = [];
    private WebApplication? _app;

    /// <summary>Gets the OpenAI fake.</summary>
    public FakeProviderServer Upstream => _upstreams[FakeProviderKind.OpenAI];

    public Uri BaseUrl { get; private set; } = null!;

    public HttpClient Http { get; } = new();

    /// <summary>A current catalog model of each provider, as tests request it.</summary>
    public static string ModelOf(FakeProviderKind kind) => kind switch
    {
        FakeProviderKind.OpenAI => "gpt-4o",
        FakeProviderKind.XAI => "grok-4.3",
        FakeProviderKind.Perplexity => "sonar",
        FakeProviderKind.Anthropic => "claude-sonnet-4-6",
        FakeProviderKind.Gemini => "gemini-3.5-flash",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// Starts the reference server with these settings on a free loopback port. Unless the settings name a store, it
    /// gets its own SQLite database in a temporary folder, deleted when the server stops.
    /// </summary>
    public static async Task<WebApplication> StartServerAsync(Dictionary<string, string?> settings, ILoggerProvider? logs = null)
    {
        string? dataDirectory = null;
        if (!settings.ContainsKey("ThreadSync:Storage:DataDirectory") && !settings.ContainsKey("ThreadSync:Storage:ConnectionString"))
        {
            dataDirectory = Directory.CreateTempSubdirectory("threadsync-test-").FullName;
            settings = new Dictionary<string, string?>(settings) { ["ThreadSync:Storage:DataDirectory"] = dataDirectory };
        }

        // The host's environment is fixed when the builder is made: the "environment" setting is passed as an argument.
        string[] args = settings.TryGetValue("environment", out var environment) && environment is not null
            ? ["--urls", "http://127.0.0.1:0", "--environment", environment]
            : ["--urls", "http://127.0.0.1:0"];
        var app = SampleServer.Build(args, builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
                builder.Logging.SetMinimumLevel(LogLevel.Trace);
            }
        });
        if (dataDirectory is not null)
        {
            app.Lifetime.ApplicationStopped.Register(() =>
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(dataDirectory, recursive: true);
            });
        }

        await app.StartAsync();
        return app;
    }

    public FakeProviderServer UpstreamFor(FakeProviderKind kind) => _upstreams[kind];

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ThreadSync:Auth:BootstrapKeys:0"] = ClientKey,
            ["ThreadSync:Http:MaxRequestBodyBytes"] = "65536",

            // The shared server checks what one upstream answer becomes; failover has its own servers (FailoverTests).
            ["ThreadSync:Resilience:MaxAttempts"] = "1",
            ["ThreadSync:Resilience:CircuitBreaker:Enabled"] = "false",
        };
        foreach (var kind in Enum.GetValues<FakeProviderKind>())
        {
            var upstream = await FakeProviderServer.StartAsync(kind, new FakeProviderOptions { ApiKey = UpstreamKey });
            _upstreams[kind] = upstream;
            settings[$"ThreadSync:Providers:{kind}:ApiKey"] = UpstreamKey;
            settings[$"ThreadSync:Providers:{kind}:BaseUrl"] = upstream.BaseUrl.ToString();
        }

        _app = await StartServerAsync(settings);
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

        foreach (var upstream in _upstreams.Values)
        {
            await upstream.DisposeAsync();
        }
    }
}
