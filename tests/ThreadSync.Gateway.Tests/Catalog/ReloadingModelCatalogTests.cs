using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ThreadSync.Gateway.Catalog.Internal;
using ThreadSync.Gateway.Tests.TestSupport;

namespace ThreadSync.Gateway.Tests.Catalog;

/// <summary>Reload without restart: file changes, configuration changes, forced reloads, and failures.</summary>
public sealed class ReloadingModelCatalogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("threadsync-reload-").FullName;
    private readonly ListLogger _logger = new();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task FileChange_IsPickedUp_WithANewVersion()
    {
        var path = WriteFile("catalog.json", Override("gpt-4o", 2.40m));
        using var catalog = Create(path, TimeProvider.System);
        Assert.Equal(2.40m, Input(catalog, "gpt-4o"));
        Assert.Equal(1, catalog.Version);

        File.WriteAllText(path, Override("gpt-4o", 2.20m));

        Assert.True(await Eventually.TrueAsync(() => catalog.Version >= 2), "the catalog was not reloaded after the file changed");
        Assert.Equal(2.20m, Input(catalog, "gpt-4o"));
        Assert.Contains(_logger.Entries, e => e.EventId.Id == 4100 && e.Message.Contains("catalog file changed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadFileOnReload_KeepsThePreviousCatalog_LogsAWarning_AndRecoversWhenFixed()
    {
        var path = WriteFile("catalog.json", Override("gpt-4o", 2.40m));
        using var catalog = Create(path, TimeProvider.System);
        var before = catalog.Current;

        File.WriteAllText(path, """{ "models": [ { "id": "gpt-4o", "pricing": { "input": -1 } } ] }""");

        Assert.True(await Eventually.TrueAsync(() => _logger.Entries.Any(e => e.Level == LogLevel.Warning)), "no warning was logged");
        var warning = _logger.Entries.Single(e => e.Level == LogLevel.Warning);
        Assert.Equal(4101, warning.EventId.Id);
        Assert.Contains("keeping version 1", warning.Message, StringComparison.Ordinal);
        Assert.Contains($"model 'gpt-4o' (catalog file '{path}'): pricing.input cannot be negative (-1)", warning.Message, StringComparison.Ordinal);
        Assert.Same(before, catalog.Current);
        Assert.Equal(2.40m, Input(catalog, "gpt-4o"));

        File.WriteAllText(path, Override("gpt-4o", 2.30m));

        Assert.True(await Eventually.TrueAsync(() => catalog.Version == 2), "the fixed file was not picked up");
        Assert.Equal(2.30m, Input(catalog, "gpt-4o"));
    }

    [Fact]
    public void ConfigurationChange_ReloadsAtOnce_AndFollowsANewPath()
    {
        var first = WriteFile("first.json", Override("gpt-4o", 2.40m));
        var second = WriteFile("second.json", Override("gpt-4o", 2.10m));
        var options = new TestOptionsMonitor<GatewayOptions>(Options(first));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        using var catalog = new ReloadingModelCatalog(options, time, _logger);
        Assert.Equal(time.GetUtcNow(), catalog.LoadedAt);

        time.Advance(TimeSpan.FromMinutes(5));
        var next = Options(second);
        next.Catalog.Models["o3"] = new CatalogModelOptions { Remove = true };
        options.Set(next);

        Assert.Equal(2, catalog.Version);
        Assert.Equal(time.GetUtcNow(), catalog.LoadedAt);
        Assert.Equal(2.10m, Input(catalog, "gpt-4o"));
        Assert.False(catalog.TryResolve("o3", out _));
    }

    [Fact]
    public void Reload_BadConfiguration_KeepsThePreviousSnapshot()
    {
        var options = new TestOptionsMonitor<GatewayOptions>(new GatewayOptions());
        using var catalog = new ReloadingModelCatalog(options, TimeProvider.System, _logger);
        var before = catalog.Current;

        var bad = new GatewayOptions();
        bad.Catalog.Models["brand-new"] = new CatalogModelOptions { Provider = "nobody" };
        options.Set(bad);

        Assert.Same(before, catalog.Current);
        Assert.Equal(1, catalog.Version);
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("unknown provider 'nobody'", StringComparison.Ordinal));
        Assert.False(catalog.Reload());
        Assert.Same(before, catalog.Current);
    }

    [Fact]
    public void Reload_Forced_SwapsInANewSnapshotAndVersion()
    {
        var path = WriteFile("catalog.json", Override("gpt-4o", 2.40m));
        using var catalog = Create(path, new FakeTimeProvider());
        var before = catalog.Current;

        // The fake clock never lets the debounce timer fire, so only the forced reload can pick this up.
        File.WriteAllText(path, Override("gpt-4o", 1.99m));
        Assert.True(catalog.Reload());

        Assert.NotSame(before, catalog.Current);
        Assert.Equal(2, catalog.Version);
        Assert.Equal(1.99m, Input(catalog, "gpt-4o"));
    }

    [Fact]
    public void TryResolve_DoesNotAllocate()
    {
        using var catalog = new ReloadingModelCatalog(new TestOptionsMonitor<GatewayOptions>(new GatewayOptions()), TimeProvider.System, _logger);
        const string Alias = "claude-sonnet";
        Assert.True(catalog.TryResolve(Alias, out _));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var found = 0;
        for (var i = 0; i < 1_000; i++)
        {
            found += catalog.TryResolve(Alias, out _) ? 1 : 0;
            found += catalog.TryResolve("GPT-5.4", out _) ? 1 : 0;
            found += catalog.TryResolve("no-such-model", out _) ? 1 : 0;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(2_000, found);
    }

    [Fact]
    public void Constructor_BadFile_FailsNamingTheFile()
    {
        var path = WriteFile("catalog.json", """{ "models": [ { "id": "gpt-4o", "provider": "acme" } ] }""");

        var error = Assert.Throws<InvalidDataException>(() => Create(path, TimeProvider.System));

        Assert.Contains($"model 'gpt-4o' (catalog file '{path}'): unknown provider 'acme'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_BadCatalogFile_FailsStartUp_NamingTheFile()
    {
        var path = WriteFile("catalog.json", "{ not json");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ThreadSync:Catalog:Path"] = path,
            ["ThreadSync:Storage:DataDirectory"] = Path.Combine(_directory, "data"),
        });
        builder.Services.AddThreadSyncGateway(builder.Configuration.GetSection(GatewayOptions.SectionName));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains($"catalog file '{path}' is not a valid catalog", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DependencyInjection_ConfigurationReload_RebuildsTheCatalog()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ThreadSync:Catalog:Models:gpt-4o:Pricing:Input"] = "2.4" })
            .Build();
        var services = new ServiceCollection();
        services.AddThreadSyncGateway(configuration.GetSection(GatewayOptions.SectionName));
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        var catalog = provider.GetRequiredService<IModelCatalog>();
        Assert.Same(provider.GetRequiredService<ReloadingModelCatalog>(), catalog);
        Assert.Equal(2.4m, Input(catalog, "gpt-4o"));

        configuration["ThreadSync:Catalog:Models:gpt-4o:Pricing:Input"] = "2.2";
        configuration["ThreadSync:Catalog:Models:team-model:Provider"] = "anthropic";
        configuration["ThreadSync:Catalog:Models:team-model:Aliases:0"] = "team";
        configuration["ThreadSync:Catalog:Models:team-model:Pricing:Input"] = "1";
        configuration["ThreadSync:Catalog:Models:team-model:Lifecycle:RetiresOn"] = "2027-03-01";
        configuration.Reload();

        Assert.Equal(2, catalog.Version);
        Assert.Equal(2.2m, Input(catalog, "gpt-4o"));
        Assert.True(catalog.TryResolve("team", out var team));
        Assert.Equal(GatewayProvider.Anthropic, team.Provider);
        Assert.Equal(new DateOnly(2027, 3, 1), team.Lifecycle.RetiresOn);

        // A change outside ThreadSync:Catalog does not rebuild the catalog.
        configuration["ThreadSync:Providers:OpenAI:ApiKey"] = "sk-rotated";
        configuration.Reload();

        Assert.Equal(2, catalog.Version);
    }

    [Fact]
    public async Task DependencyInjection_DefaultModelFromTheUserCatalog_PassesValidation()
    {
        var path = WriteFile("catalog.json", """{ "models": [ { "id": "acme-1", "provider": "openai", "pricing": { "input": 1, "output": 1 } } ] }""");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddThreadSyncGateway(options =>
        {
            options.Catalog.Path = path;
            options.DefaultModel = "acme-1";
            options.Storage.DataDirectory = Path.Combine(_directory, "data");
        });
        using var host = builder.Build();

        await host.StartAsync(TestContext.Current.CancellationToken);

        Assert.True(host.Services.GetRequiredService<IModelCatalog>().TryResolve("acme-1", out _));
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    private static decimal Input(IModelCatalog catalog, string id)
    {
        Assert.True(catalog.TryResolve(id, out var model), id);
        return model.Pricing.InputPerMillion;
    }

    private static string Override(string id, decimal input) => $$"""{ "models": [ { "id": "{{id}}", "pricing": { "input": {{input}} } } ] }""";

    private static GatewayOptions Options(string path) => new() { Catalog = new CatalogOptions { Path = path } };

    private ReloadingModelCatalog Create(string path, TimeProvider time) =>
        new(new TestOptionsMonitor<GatewayOptions>(Options(path)), time, _logger);

    private string WriteFile(string name, string json)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, json);
        return path;
    }
}
