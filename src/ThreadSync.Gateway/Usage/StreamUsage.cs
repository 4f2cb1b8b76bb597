using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway.Usage;

/// <summary>The usage to bill for a stream: what the provider reported, completed by estimates where it reported nothing.</summary>
/// <param name="Details">The usage, normalized like an adapter's (input includes cached, output includes reasoning).</param>
/// <param name="IsEstimated">Whether any count in <paramref name="Details"/> is an estimate.</param>
internal readonly record struct StreamUsage(UsageDetails Details, bool IsEstimated);
