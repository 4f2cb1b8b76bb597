using System.Globalization;

namespace ThreadSync.LoadHarness;

/// <summary>The command line: <c>[--smoke] [--rates N,M] [--duration S] [--step-duration S] [--soak S] [--only a,b] [--no-readme] [--max-p99-ms N]</c>.</summary>
internal sealed class HarnessOptions
{
    /// <summary>The configurations, in the order they run and are reported.</summary>
    public static readonly string[] AllTargets = ["direct", "threadsync-sqlite", "threadsync-sqlite-audit-at-commit", "threadsync-postgres-x2", "portkey"];

    /// <summary>Gets a value indicating whether this is the short correctness run CI does: a few requests per configuration, no timing.</summary>
    public bool Smoke { get; private init; }

    /// <summary>Gets the fixed rates of the latency runs, requests per second, ascending: a light load every gateway carries, and the target load.</summary>
    public IReadOnlyList<int> Rates { get; private init; } = [200, 1000];

    /// <summary>Gets the rate the targets are judged at and the soak runs at: the highest of <see cref="Rates"/>.</summary>
    public int Rate => Rates[^1];

    /// <summary>Gets how long each latency run lasts.</summary>
    public TimeSpan Duration { get; private init; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets how long each step of the throughput search lasts.</summary>
    public TimeSpan StepDuration { get; private init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets the length of the memory soak of ThreadSync on SQLite at <see cref="Rate"/>; zero skips it.</summary>
    public TimeSpan Soak { get; private init; }

    /// <summary>Gets the p99 latency a throughput step may not exceed to count as sustained.</summary>
    public double MaxP99Ms { get; private init; } = 50;

    /// <summary>Gets the configurations to run.</summary>
    public IReadOnlyList<string> Targets { get; private init; } = AllTargets;

    /// <summary>Gets a value indicating whether the report is written to <c>benchmarks/results/</c> and replaces the section between the markers in <c>benchmarks/README.md</c>.</summary>
    public bool UpdateReadme { get; private init; } = true;

    public static HarnessOptions Parse(string[] args)
    {
        var options = new HarnessOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--smoke" => options.With(smoke: true),
                "--rate" or "--rates" => options.With(rates: [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => int.Parse(r, CultureInfo.InvariantCulture)).Order()]),
                "--duration" => options.With(duration: TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture))),
                "--step-duration" => options.With(stepDuration: TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture))),
                "--soak" => options.With(soak: TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture))),
                "--max-p99-ms" => options.With(maxP99Ms: double.Parse(Next(), CultureInfo.InvariantCulture)),
                "--only" => options.With(targets: Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
                "--no-readme" => options.With(updateReadme: false),
                _ => throw new ArgumentException($"Unknown option {args[i]}. Options: --smoke, --rates N[,M…], --duration S, --step-duration S, --soak S, --max-p99-ms N, --only {string.Join(',', AllTargets)}, --no-readme."),
            };
        }

        var unknown = options.Targets.Except(AllTargets).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"Unknown configuration {string.Join(", ", unknown)}; known: {string.Join(", ", AllTargets)}.");
        }

        // A smoke run never rewrites the published figures.
        return options.Smoke ? options.With(updateReadme: false) : options;
    }

    private HarnessOptions With(bool? smoke = null, IReadOnlyList<int>? rates = null, TimeSpan? duration = null, TimeSpan? stepDuration = null, TimeSpan? soak = null, double? maxP99Ms = null, IReadOnlyList<string>? targets = null, bool? updateReadme = null) => new()
    {
        Smoke = smoke ?? Smoke,
        Rates = rates ?? Rates,
        Duration = duration ?? Duration,
        StepDuration = stepDuration ?? StepDuration,
        Soak = soak ?? Soak,
        MaxP99Ms = maxP99Ms ?? MaxP99Ms,
        Targets = targets ?? Targets,
        UpdateReadme = updateReadme ?? UpdateReadme,
    };
}
