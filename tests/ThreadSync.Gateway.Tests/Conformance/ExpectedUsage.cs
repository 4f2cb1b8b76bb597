namespace ThreadSync.Gateway.Tests.Conformance;

/// <summary>The normalized usage a provider's own wire usage must turn into.</summary>
internal sealed record ExpectedUsage(long Input, long Output, long Cached, long CacheWrite, long Reasoning);
