using System.Diagnostics;
using System.Text.Json;

namespace ThreadSync.LoadHarness;

/// <summary>
/// Portkey's open-source gateway (<c>@portkey-ai/gateway</c>, pinned in <c>benchmarks/peers/portkey/package.json</c>)
/// in front of the same fake upstream, as its docs run it: <c>node build/start-server.js --port=N --headless</c>, one
/// Node process, requests routed by <c>x-portkey-provider: openai</c> and <c>x-portkey-custom-host</c>.
/// </summary>
/// <remarks>
/// Two local adjustments, both in <c>benchmarks/peers/portkey</c>: <c>@hono/node-server</c> is pinned to 1.14.1 (later
/// versions break every streamed response with <c>TypeError: immutable</c>, Portkey issues #1389 and #1550), and
/// <c>bind-host.cjs</c> makes it listen on 127.0.0.1 (it binds every interface and has no option for it). Loopback
/// custom hosts are allowed by Portkey's default <c>TRUSTED_CUSTOM_HOSTS</c>.
/// </remarks>
internal static class PortkeyGateway
{
    public static async Task<(Target Target, string Version)> StartAsync(Uri upstream, string upstreamKey, string logs, HttpClient control)
    {
        var directory = Path.Combine(HarnessPaths.RepositoryRoot, "benchmarks", "peers", "portkey");
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "@portkey-ai", "gateway")))
        {
            Console.WriteLine("   installing Portkey with npm ci");
            await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], directory);
        }

        var port = ChildProcess.FreePort();
        var process = ChildProcess.Start(
            "portkey",
            "node",
            ["-r", "./bind-host.cjs", "node_modules/@portkey-ai/gateway/build/start-server.js", $"--port={port}", "--headless"],
            new Dictionary<string, string> { ["NODE_ENV"] = "production", ["BIND_HOST"] = "127.0.0.1" },
            logs,
            directory);
        try
        {
            var baseUrl = new Uri($"http://127.0.0.1:{port}/");
            await process.WaitUntilReadyAsync(control, baseUrl, TimeSpan.FromSeconds(60));
            KeyValuePair<string, string>[] headers =
            [
                new("Authorization", "Bearer " + upstreamKey),
                new("x-portkey-provider", "openai"),
                new("x-portkey-custom-host", upstream.ToString().TrimEnd('/')),
            ];
            return (new Target("portkey", [new Uri(baseUrl, "v1/chat/completions")], headers, [process]), Version(directory));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    private static string Version(string directory)
    {
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "node_modules", "@portkey-ai", "gateway", "package.json")));
        return package.RootElement.GetProperty("version").GetString() ?? "unknown";
    }

    private static async Task RunAsync(string fileName, string[] arguments, string directory)
    {
        var start = new ProcessStartInfo(fileName, arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {await errors}{await output}");
        }
    }
}
