using System.Security.Cryptography;
using ThreadSync.Gateway;
using ThreadSync.Hosting;

namespace ThreadSync.Sample.Server;

/// <summary>
/// Builds the reference server: the ThreadSync Gateway behind its HTTP endpoints, configured from
/// appsettings.json, environment variables (<c>ThreadSync__Providers__OpenAI__ApiKey</c>) and the command line.
/// </summary>
public static class SampleServer
{
    /// <summary>Where the server listens unless <c>--urls</c> or <c>ASPNETCORE_URLS</c> say otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Builds the application.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="configure">Adjusts the builder before the app is built (tests use this).</param>
    /// <returns>The application, ready to run.</returns>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // appsettings.json ships next to the binary, so it loads whatever directory `dotnet run --project` starts from.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);

        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        EnsureAFirstKey(builder.Configuration);

        builder.Services.AddThreadSyncGateway(builder.Configuration.GetSection(GatewayOptions.SectionName));
        builder.Services.AddThreadSyncHosting(builder.Configuration.GetSection(ThreadSyncHttpOptions.SectionName));
        SessionDemo.AddSessionDemo(builder);

        var app = builder.Build();
        app.UseThreadSync();
        SessionDemo.UseSessionDemo(app);
        app.MapThreadSync();
        app.Lifetime.ApplicationStarted.Register(() => LogProviders(app));
        return app;
    }

    /// <summary>
    /// First run of the quick start: with no bootstrap key configured (<c>ThreadSync:Auth:BootstrapKeys</c>) and no
    /// SQLite database yet, generate a client key, print it once to the console (never to the log), and import it as
    /// the first managed key of the <c>default</c> org. Later runs find it in the database (only its hash).
    /// </summary>
    private static void EnsureAFirstKey(ConfigurationManager configuration)
    {
        var storage = configuration.GetSection("ThreadSync:Storage");
        if (configuration.GetSection("ThreadSync:Auth:BootstrapKeys").GetChildren().Any(static c => !string.IsNullOrWhiteSpace(c.Value))
            || !string.Equals(storage["Provider"] ?? nameof(StorageProvider.Sqlite), nameof(StorageProvider.Sqlite), StringComparison.OrdinalIgnoreCase)
            || !string.IsNullOrEmpty(storage["ConnectionString"])
            || File.Exists(Path.Combine(storage["DataDirectory"] ?? new StorageOptions().DataDirectory, "threadsync.db")))
        {
            return;
        }

        var key = "tsg-" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 43);
        configuration.AddInMemoryCollection([new("ThreadSync:Auth:BootstrapKeys:0", key)]);
        Console.WriteLine($"""

            First run: this client key was created in the org 'default'. It is shown only now:

                {key}

            Call the gateway with 'Authorization: Bearer <key>' or 'x-api-key: <key>'.
            Create more keys, teams and budgets with the admin API (docs/admin-api.md).

            """);
    }

    /// <summary>
    /// With no admin key configured (<c>ThreadSync:Admin:ApiKey</c>), generates one on the first run, keeps only its
    /// SHA-256 hash in the store, and prints it once to the console (never to the log). Later runs print nothing.
    /// </summary>
    /// <param name="app">The built application, before it runs.</param>
    /// <returns>A task that completes when the admin key is in place.</returns>
    public static async Task EnsureAdminKeyAsync(WebApplication app)
    {
        var adminKey = await app.EnsureThreadSyncAdminKeyAsync();
        if (adminKey is null)
        {
            return;
        }

        Console.WriteLine($"""

            No admin key is configured (ThreadSync:Admin:ApiKey), so this first run generated one. It is shown only
            now; the gateway keeps only its SHA-256 hash:

                {adminKey}

            Manage orgs, teams, keys and usage under /admin/v1/ with 'Authorization: Bearer <admin key>' (docs/admin-api.md).
            To use your own admin key instead, set ThreadSync__Admin__ApiKey (at least 16 characters).

            """);
    }

    private static void LogProviders(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ThreadSync.Sample.Server");
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>().Value;
        var configured = new List<string>();
        foreach (var provider in Enum.GetValues<GatewayProvider>())
        {
            var settings = options.Providers.Get(provider);
            if (settings.IsConfigured)
            {
                // The base URL itself is not logged: it may carry credentials for a proxy.
                configured.Add(settings.BaseUrl is null ? provider.ToWireId() : provider.ToWireId() + " (custom base URL)");
            }
        }

        if (configured.Count == 0)
        {
            SampleServerLog.NoProviders(logger);
        }
        else
        {
            SampleServerLog.ProvidersConfigured(logger, string.Join(", ", configured));
        }

        SampleServerLog.Listening(logger, string.Join(", ", app.Urls));
    }
}
