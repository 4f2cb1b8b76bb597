namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// Options of a <see cref="FakeProviderServer"/>. <see cref="ApiKey"/>, <see cref="TimeProvider"/> are read at start;
/// the others are read per request, so changing them on this instance later affects later requests.
/// </summary>
public sealed class FakeProviderOptions
{
    /// <summary>
    /// Gets or sets the accepted key (bearer token; Anthropic <c>x-api-key</c>; Gemini <c>x-goog-api-key</c> or <c>?key=</c>).
    /// Default: <c>fake-&lt;kind lowercase&gt;-key</c>.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets a value indicating whether Perplexity streams end with <c>data: [DONE]</c>.</summary>
    public bool PerplexitySendsDone { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether the Gemini fake rejects (400 <c>INVALID_ARGUMENT</c>) a request whose history
    /// has a <c>model</c>-turn <c>functionCall</c> part without its <c>thoughtSignature</c> (as Gemini 3 models do). Default: false.
    /// </summary>
    public bool GeminiRequiresThoughtSignatures { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the Gemini fake puts <see cref="FakeToolCall.Id"/> in <c>functionCall.id</c>.
    /// Default: false (Gemini usually omits the id, so adapters must invent one).
    /// </summary>
    public bool GeminiSendsFunctionCallIds { get; set; }

    /// <summary>Gets or sets the pause after each streamed event (SSE event, or Gemini JSON-array element), in milliseconds (0 = none).</summary>
    public int StreamChunkDelayMilliseconds { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether requests are kept in <see cref="FakeProviderServer.Requests"/>.
    /// Turn off for long load runs; <see cref="FakeProviderServer.RequestCount"/> still counts.
    /// </summary>
    public bool RecordRequests { get; set; } = true;

    /// <summary>Gets or sets the clock used for the <c>created</c> field. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }
}
