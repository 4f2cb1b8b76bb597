using ThreadSync.Gateway.Routing.Internal;

namespace ThreadSync.Gateway.Tests.Routing;

public sealed class ModelLatencyTrackerTests
{
    private static readonly ModelDescriptor FastA = RoutingTestCatalog.Get("fast-a");

    [Fact]
    public void Record_FirstSampleSetsTheAverage_ThenMovesByAlpha()
    {
        var tracker = new ModelLatencyTracker(RoutingTestCatalog.Catalog);
        Assert.False(tracker.TryGetLatency(FastA, out _));

        tracker.Record("fast-a", TimeSpan.FromMilliseconds(1_000));
        tracker.Record(FastA, TimeSpan.FromMilliseconds(500));

        Assert.True(tracker.TryGetLatency(FastA, out var latency));
        Assert.Equal(TimeSpan.FromMilliseconds(900), latency); // 1000 + 0.2 * (500 - 1000)
        Assert.Equal(900, tracker.GetMilliseconds(FastA), tolerance: 1e-9);
        Assert.Equal(2, tracker.GetSampleCount(FastA));
    }

    [Fact]
    public void Record_UnknownModelOrNegativeLatency_IsIgnored()
    {
        var tracker = new ModelLatencyTracker(RoutingTestCatalog.Catalog);

        Assert.False(tracker.Record("no-such-model", TimeSpan.FromSeconds(1)));
        Assert.False(tracker.Record(FastA, TimeSpan.FromMilliseconds(-1)));
        Assert.False(tracker.TryGetLatency(FastA, out _));
    }

    [Fact]
    public async Task Record_ParallelUpdates_LoseNoSample()
    {
        // Every update multiplies the distance to the sample by (1 - alpha), whatever the order, so after n updates
        // of 0 ms from 1000 ms the average is exactly 1000 * (1 - alpha)^n. A lost update leaves it higher.
        const double Alpha = 0.0001;
        const int Threads = 4;
        const int PerThread = 5_000;
        var tracker = new ModelLatencyTracker(RoutingTestCatalog.Catalog, Alpha);
        tracker.Record(FastA, TimeSpan.FromMilliseconds(1_000));
        using var start = new Barrier(Threads);

        var workers = Enumerable.Range(0, Threads).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                for (var i = 0; i < PerThread; i++)
                {
                    tracker.Record(FastA, TimeSpan.Zero);
                }
            },
            TestContext.Current.CancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        await Task.WhenAll(workers);

        var expected = 1_000 * Math.Pow(1 - Alpha, Threads * PerThread);
        Assert.Equal(expected, tracker.GetMilliseconds(FastA), tolerance: 0.005);
        Assert.Equal(1 + (Threads * PerThread), tracker.GetSampleCount(FastA));
    }
}
