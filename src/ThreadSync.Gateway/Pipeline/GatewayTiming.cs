using System.Diagnostics;

namespace ThreadSync.Gateway;

/// <summary>
/// Splits one request's wall-clock time into the gateway's own time and the time spent waiting on providers, so a host
/// can report its overhead (the reference server's <c>x-threadsync-overhead-ms</c> header).
/// </summary>
/// <remarks>
/// <para>A host calls <see cref="Begin"/> when a request arrives; the value flows with the request's asynchronous
/// work (an <see cref="AsyncLocal{T}"/>), so the provider transport finds it without any plumbing and adds every wait on
/// an upstream to it: sending and waiting for the response headers, each read of the response body (a stream's
/// silences between tokens included), and back-off waits before a retry. JSON parsing and writing, routing, policy,
/// budget reservation, the usage ledger and the audit chain stay on the gateway's side.</para>
/// <para>Begin it from inside an <see langword="async"/> method, so the value does not outlive the request's flow.
/// Thread-safe: the upstream time is added atomically.</para>
/// </remarks>
public sealed class GatewayTiming
{
    private static readonly AsyncLocal<GatewayTiming?> CurrentTiming = new();

    private long _upstreamTicks;

    private GatewayTiming(long startTimestamp) => StartTimestamp = startTimestamp;

    /// <summary>Gets the timing of the request running on this asynchronous flow, if its host began one.</summary>
    public static GatewayTiming? Current => CurrentTiming.Value;

    /// <summary>Gets the <see cref="Stopwatch.GetTimestamp"/> at which the request arrived.</summary>
    public long StartTimestamp { get; }

    /// <summary>Gets the time spent waiting on upstream providers so far.</summary>
    public TimeSpan UpstreamTime => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _upstreamTicks));

    /// <summary>Starts timing a request on the current asynchronous flow.</summary>
    /// <param name="startTimestamp">When the request arrived (<see cref="Stopwatch.GetTimestamp"/>).</param>
    /// <returns>The request's timing, also <see cref="Current"/> from now on in this flow.</returns>
    public static GatewayTiming Begin(long startTimestamp)
    {
        var timing = new GatewayTiming(startTimestamp);
        CurrentTiming.Value = timing;
        return timing;
    }

    /// <summary>Gets the gateway's own time up to <paramref name="nowTimestamp"/>: the time since arrival, less the upstream waits.</summary>
    /// <param name="nowTimestamp">The current <see cref="Stopwatch.GetTimestamp"/>.</param>
    /// <returns>The gateway's own time; never negative.</returns>
    public TimeSpan OwnTime(long nowTimestamp)
    {
        var own = nowTimestamp - StartTimestamp - Volatile.Read(ref _upstreamTicks);
        return Stopwatch.GetElapsedTime(0, Math.Max(own, 0));
    }

    /// <summary>Adds an upstream wait that began at <paramref name="startTimestamp"/> and ends now.</summary>
    internal void AddUpstreamSince(long startTimestamp) => Interlocked.Add(ref _upstreamTicks, Stopwatch.GetTimestamp() - startTimestamp);
}
