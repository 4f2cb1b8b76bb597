namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// Options of a <see cref="FakeProviderServer"/>. <see cref="ApiKey"/>, <see cref="TimeProvider"/> are read at start;
/// the others are read per request, so changing them on this instance later affects later requests.
/// </summary>
public sealed class FakeProviderOptions
{
    /// <summary>Gets or sets the accepted bearer key. Default: <c>fake-&lt;kind lowercase&gt;-key</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets a value indicating whether Perplexity streams end with <c>data: [DONE]</c>.</summary>
    public bool PerplexitySendsDone { get; set; } = true;

    /// <summary>Gets or sets the pause after each SSE event, in milliseconds (0 = none).</summary>
    public int StreamChunkDelayMilliseconds { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether requests are kept in <see cref="FakeProviderServer.Requests"/>.
    /// Turn off for long load runs; <see cref="FakeProviderServer.RequestCount"/> still counts.
    /// </summary>
    public bool RecordRequests { get; set; } = true;

    /// <summary>Gets or sets the clock used for the <c>created</c> field. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }
}
