namespace ThreadSync.Gateway.Tests.FakeUpstreams;

/// <summary>One parsed SSE event: its <c>event:</c> name, joined <c>data:</c> text and comment line, each null when absent.</summary>
internal sealed record SseEvent(string? Name, string? Data, string? Comment);
