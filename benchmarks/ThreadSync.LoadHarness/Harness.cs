using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ThreadSync.LoadHarness;

/// <summary>
/// Runs every configuration against the same fake upstream, one after the other on this machine, and reports them side
/// by side: the direct path (the floor), ThreadSync on SQLite, ThreadSync on PostgreSQL with two instances, and Portkey.
/// </summary>
internal static class Harness
{
    private const string UpstreamKey = "sk-load-upstream-key";

    /// <summary>The rates the throughput search climbs through, requests per second.</summary>
    private static readonly int[] SearchRates = [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 10000, 12000, 14000, 16000, 20000];

    private static readonly byte[] PlainBody = Body(stream: false);
    private static readonly byte[] StreamBody = Body(stream: true);

    public static async Task<int> RunAsync(HarnessOptions options)
    {
        var work = Directory.CreateTempSubdirectory("threadsync-load-").FullName;
        var logs = Directory.CreateDirectory(Path.Combine(work, "logs")).FullName;
        Console.WriteLine($"ThreadSync load harness: {(options.Smoke ? "smoke run" : "full run")}; process logs in {logs}");
        using var control = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var load = LoadClient();
        var environment = new RunEnvironment();

        var upstreamPort = ChildProcess.FreePort();
        await using var upstream = ChildProcess.Start("upstream", "dotnet", [HarnessPaths.HarnessDll, "upstream", "--port", upstreamPort.ToString(CultureInfo.InvariantCulture)], new Dictionary<string, string>(), logs);
        await upstream.WaitUntilReadyAsync(control, new Uri($"http://127.0.0.1:{upstreamPort}/"), TimeSpan.FromSeconds(30));
        var upstreamBase = new Uri($"http://127.0.0.1:{upstreamPort}/v1/");

        var results = new List<TargetResult>();
        foreach (var name in options.Targets)
        {
            Console.WriteLine($"== {name}");
            var processes = new List<ChildProcess>();
            var result = new TargetResult(name);
            try
            {
                var target = await StartAsync(name, upstreamBase, work, logs, control, environment);
                processes.AddRange(target.Processes);
                await MeasureAsync(target, result, options, load);
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or HttpRequestException or IOException or Npgsql.NpgsqlException)
            {
                result.Failure = ex.Message;
                Console.WriteLine($"   could not run: {ex.Message}");
            }
            finally
            {
                foreach (var process in processes)
                {
                    await process.DisposeAsync();
                }
            }

            results.Add(result);
        }

        SoakResult? soak = null;
        if (options.Soak > TimeSpan.Zero && !options.Smoke)
        {
            soak = await SoakAsync(options, upstreamBase, work, logs, control, load, environment);
        }

        var report = Report.Write(results, soak, options, environment);
        Console.WriteLine();
        Console.WriteLine(report);
        // Only a publishing run (not --smoke, not --no-readme) writes the report into the repository.
        if (options.UpdateReadme)
        {
            var file = Path.Combine(HarnessPaths.RepositoryRoot, "benchmarks", "results", $"load-harness-{DateTime.UtcNow:yyyy-MM-dd-HHmm}.md");
            await File.WriteAllTextAsync(file, report);
            Report.ReplaceReadmeSection(Path.Combine(HarnessPaths.RepositoryRoot, "benchmarks", "README.md"), report);
            Console.WriteLine($"Written to {file} and benchmarks/README.md.");
        }

        try
        {
            Directory.Delete(work, recursive: true);
        }
        catch (IOException)
        {
            // A log still open by a dying process: the temporary folder is left behind, nothing else.
        }

        var failed = results.Where(r => r.Failure is not null || r.Plain is null || r.Plain.SuccessRate < 1 || r.Streaming is null || r.Streaming.SuccessRate < 1).Select(r => r.Name).ToArray();
        if (options.Smoke && failed.Length > 0)
        {
            Console.Error.WriteLine($"Smoke run failed: {string.Join(", ", failed)} did not answer every request correctly.");
            return 1;
        }

        return 0;
    }

    private static async Task<Target> StartAsync(string name, Uri upstream, string work, string logs, HttpClient control, RunEnvironment environment)
    {
        switch (name)
        {
            case "direct":
                return new Target(name, [new Uri(upstream, "chat/completions")], [new("Authorization", "Bearer " + UpstreamKey)], []);
            case "threadsync-sqlite" or "threadsync-sqlite-audit-at-commit":
                return await ThreadSyncGateway.StartAsync(name, 1, upstream, postgres: null, auditAtCommit: name.EndsWith("-at-commit", StringComparison.Ordinal), Directory.CreateDirectory(Path.Combine(work, name)).FullName, logs, control);
            case "threadsync-postgres-x2":
                var (connectionString, version) = await PostgresDatabase.CreateFreshAsync();
                environment.PostgresVersion = version;
                return await ThreadSyncGateway.StartAsync(name, 2, upstream, connectionString, auditAtCommit: false, Directory.CreateDirectory(Path.Combine(work, name)).FullName, logs, control);
            default:
                var (target, portkeyVersion) = await PortkeyGateway.StartAsync(upstream, UpstreamKey, logs, control);
                environment.PortkeyVersion = portkeyVersion;
                return target;
        }
    }

    private static async Task MeasureAsync(Target target, TargetResult result, HarnessOptions options, HttpClient load)
    {
        if (options.Smoke)
        {
            var plain = await OpenLoopRun.RunAsync(load, target, PlainBody, stream: false, rate: 20, TimeSpan.FromSeconds(1));
            var streaming = await OpenLoopRun.RunAsync(load, target, StreamBody, stream: true, rate: 20, TimeSpan.FromSeconds(1));
            result.Runs[20] = (plain, streaming, double.NaN);
            Console.WriteLine($"   plain {plain.Succeeded}/{plain.Sent} correct, streaming {streaming.Succeeded}/{streaming.Sent} correct");
            return;
        }

        // Warm-up, not reported: connection pools, the stores' caches, and the JIT's tiering (a profile showed the
        // tiered compiler still busy 20 s after start; its work is start-up cost, not per-request cost).
        await OpenLoopRun.RunAsync(load, target, PlainBody, stream: false, options.Rate, TimeSpan.FromSeconds(15));
        await OpenLoopRun.RunAsync(load, target, StreamBody, stream: true, options.Rate, TimeSpan.FromSeconds(8));

        foreach (var rate in options.Rates)
        {
            await Task.Delay(1000);
            var cpuBefore = CpuTime(target);
            var plain = await OpenLoopRun.RunAsync(load, target, PlainBody, stream: false, rate, options.Duration);
            var cpu = target.Processes.Count > 0 ? (CpuTime(target) - cpuBefore).TotalMicroseconds / plain.Sent : double.NaN;
            Print($"{rate} rps plain", plain);
            if (!double.IsNaN(cpu))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   gateway CPU: {cpu:0} µs per request"));
            }

            await Task.Delay(1000);
            var streaming = await OpenLoopRun.RunAsync(load, target, StreamBody, stream: true, rate, options.Duration);
            Print($"{rate} rps streaming", streaming);
            result.Runs[rate] = (plain, streaming, cpu);
        }

        foreach (var rate in SearchRates)
        {
            await Task.Delay(1000);
            var step = await OpenLoopRun.RunAsync(load, target, PlainBody, stream: false, rate, options.StepDuration);
            var sustained = step.SuccessRate >= 0.999 && LoadResult.Percentile(step.Latencies, 0.99) <= options.MaxP99Ms;
            result.Steps.Add((step, sustained));
            Print($"search {rate} rps", step);
            if (!sustained)
            {
                break;
            }
        }

        result.ResidentBytes = target.Processes.Sum(p => p.ResidentBytes());
    }

    private static async Task<SoakResult> SoakAsync(HarnessOptions options, Uri upstream, string work, string logs, HttpClient control, HttpClient load, RunEnvironment environment)
    {
        Console.WriteLine($"== soak: threadsync-sqlite at {options.Rate} rps for {options.Soak.TotalMinutes:0.#} min");
        var target = await StartAsync("threadsync-sqlite", upstream, Path.Combine(work, "soak"), logs, control, environment);
        var soak = new SoakResult(options.Rate, options.Soak);
        try
        {
            await OpenLoopRun.RunAsync(load, target, PlainBody, stream: false, options.Rate, TimeSpan.FromSeconds(5));
            var started = Stopwatch.GetTimestamp();
            soak.Samples.Add((TimeSpan.Zero, target.Processes[0].ResidentBytes()));
            var slice = TimeSpan.FromSeconds(30);
            while (Stopwatch.GetElapsedTime(started) < options.Soak)
            {
                var run = await OpenLoopRun.RunAsync(load, target, PlainBody, stream: false, options.Rate, slice);
                soak.Sent += run.Sent;
                soak.Succeeded += run.Succeeded;
                soak.Samples.Add((Stopwatch.GetElapsedTime(started), target.Processes[0].ResidentBytes()));
                Console.WriteLine($"   {Stopwatch.GetElapsedTime(started).TotalMinutes:0.0} min: RSS {soak.Samples[^1].ResidentBytes / 1048576.0:0.0} MiB, {run.Succeeded}/{run.Sent} correct");
            }
        }
        finally
        {
            foreach (var process in target.Processes)
            {
                await process.DisposeAsync();
            }
        }

        return soak;
    }

    private static TimeSpan CpuTime(Target target) => target.Processes.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.CpuTime());

    private static void Print(string what, LoadResult run) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {what}: {run.Succeeded}/{run.Sent} correct, p50 {LoadResult.Percentile(run.Latencies, 0.5):0.000} ms, p99 {LoadResult.Percentile(run.Latencies, 0.99):0.000} ms, p99.9 {LoadResult.Percentile(run.Latencies, 0.999):0.000} ms{(run.FirstTokens.Length > 0 ? $", TTFT p50 {LoadResult.Percentile(run.FirstTokens, 0.5):0.000} ms p99 {LoadResult.Percentile(run.FirstTokens, 0.99):0.000} ms" : string.Empty)}{(run.Overheads.Length > 0 ? $", overhead header p50 {LoadResult.Percentile(run.Overheads, 0.5):0.000} ms p99 {LoadResult.Percentile(run.Overheads, 0.99):0.000} ms" : string.Empty)}, scheduler lag p99 {run.LagP99Ms:0.000} ms"));

    private static HttpClient LoadClient() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),

        // Bounded, so a stalled gateway makes requests queue here (and count their wait) instead of opening thousands of sockets.
        MaxConnectionsPerServer = 256,
    })
    {
        Timeout = TimeSpan.FromSeconds(15),
    };

    /// <summary>A realistic small chat request: a system prompt, a question of about 600 characters, and an output cap.</summary>
    private static byte[] Body(bool stream)
    {
        const string Question = "Our nightly import job reads customer records from a queue, maps them and writes batches of five hundred to the database. "
            + "Since the runtime upgrade, some batches fail with 'Sequence contains no matching element' in the region mapper. "
            + "The data did not change. What are the likely causes, and how should the mapper handle a record with no country code "
            + "without slowing the batch down? Please answer in a few short paragraphs.";
        var text = new StringBuilder();
        text.Append("{\"model\":\"").Append(FakeUpstream.Model).Append("\",\"max_tokens\":256,");
        if (stream)
        {
            text.Append("\"stream\":true,\"stream_options\":{\"include_usage\":true},");
        }

        text.Append("\"messages\":[{\"role\":\"system\",\"content\":\"You are a concise assistant for an internal developer platform.\"},")
            .Append("{\"role\":\"user\",\"content\":\"").Append(Question).Append("\"}]}");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
