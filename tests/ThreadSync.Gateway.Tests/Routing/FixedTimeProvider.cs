namespace ThreadSync.Gateway.Tests.Routing;

/// <summary>A clock fixed at one instant (timers still run on the system clock).</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
