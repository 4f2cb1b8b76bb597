using System.Globalization;
using System.Text;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// A scripted answer for one chat request. Immutable: the <c>With…</c> methods return a copy, so one
/// instance can be enqueued many times. Whether it streams is decided by the request's <c>stream</c> flag.
/// </summary>
public sealed class FakeReply
{
    private static readonly IReadOnlyList<FakeToolCall> NoToolCalls = [];

    private FakeReply(FakeReplyKind kind)
    {
        Kind = kind;
    }

    private FakeReply(FakeReply other)
    {
        Kind = other.Kind;
        ReplyText = other.ReplyText;
        Usage = other.Usage;
        FinishReason = other.FinishReason;
        ToolCallList = other.ToolCallList;
        Status = other.Status;
        Message = other.Message;
        ErrorType = other.ErrorType;
        ErrorCode = other.ErrorCode;
        RetryAfter = other.RetryAfter;
        ContentType = other.ContentType;
        Body = other.Body;
        Reasoning = other.Reasoning;
        Refusal = other.Refusal;
        Model = other.Model;
        Citations = other.Citations;
        SearchResults = other.SearchResults;
        Headers = other.Headers;
        Delay = other.Delay;
        KeepAlives = other.KeepAlives;
        StopSequence = other.StopSequence;
        BlockReason = other.BlockReason;
    }

    internal FakeReplyKind Kind { get; }

    internal string ReplyText { get; private init; } = string.Empty;

    internal FakeUsage? Usage { get; private init; }

    internal string FinishReason { get; private init; } = "stop";

    internal IReadOnlyList<FakeToolCall> ToolCallList { get; private init; } = NoToolCalls;

    internal int Status { get; private init; } = 200;

    internal string Message { get; private init; } = string.Empty;

    internal string? ErrorType { get; private init; }

    internal string? ErrorCode { get; private init; }

    internal TimeSpan? RetryAfter { get; private init; }

    internal string ContentType { get; private init; } = string.Empty;

    internal string Body { get; private init; } = string.Empty;

    internal string? Reasoning { get; private init; }

    internal string? Refusal { get; private init; }

    internal string? Model { get; private init; }

    internal IReadOnlyList<string>? Citations { get; private init; }

    internal IReadOnlyList<FakeSearchResult>? SearchResults { get; private init; }

    internal IReadOnlyDictionary<string, string>? Headers { get; private init; }

    internal TimeSpan Delay { get; private init; }

    internal bool KeepAlives { get; private init; }

    internal string? StopSequence { get; private init; }

    internal string? BlockReason { get; private init; }

    /// <summary>A text completion.</summary>
    /// <param name="text">The assistant text (streamed word by word, whitespace kept).</param>
    /// <param name="usage">The usage to report; null = deterministic word counts.</param>
    /// <param name="finishReason">
    /// The <c>finish_reason</c>, for example <c>stop</c>, <c>length</c> or <c>content_filter</c>. Anthropic maps <c>stop</c>,
    /// <c>length</c>, <c>tool_calls</c>, <c>content_filter</c> to <c>end_turn</c>, <c>max_tokens</c>, <c>tool_use</c>,
    /// <c>refusal</c>; Gemini to <c>STOP</c>, <c>MAX_TOKENS</c>, <c>STOP</c>, <c>SAFETY</c>. Any other value is sent verbatim
    /// (for example <c>pause_turn</c> or <c>RECITATION</c>).
    /// </param>
    /// <returns>The reply.</returns>
    public static FakeReply Text(string text, FakeUsage? usage = null, string finishReason = "stop")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentException.ThrowIfNullOrEmpty(finishReason);
        return new FakeReply(FakeReplyKind.Completion) { ReplyText = text, Usage = usage, FinishReason = finishReason };
    }

    /// <summary>A tool-call completion (<c>finish_reason: "tool_calls"</c>).</summary>
    /// <param name="calls">The calls, at least one.</param>
    /// <param name="usage">The usage to report; null = deterministic word counts.</param>
    /// <param name="text">Optional assistant text sent before the calls.</param>
    /// <returns>The reply.</returns>
    public static FakeReply ToolCalls(IReadOnlyList<FakeToolCall> calls, FakeUsage? usage = null, string? text = null)
    {
        ArgumentNullException.ThrowIfNull(calls);
        if (calls.Count == 0)
        {
            throw new ArgumentException("At least one tool call is required.", nameof(calls));
        }

        return new FakeReply(FakeReplyKind.Completion)
        {
            ReplyText = text ?? string.Empty,
            Usage = usage,
            FinishReason = "tool_calls",
            ToolCallList = [.. calls],
        };
    }

    /// <summary>
    /// A prompt blocked outright. Gemini: HTTP 200 with no <c>candidates</c>, <c>promptFeedback: {blockReason}</c> and
    /// <c>usageMetadata</c> (one chunk when streaming). Other providers: an empty completion finishing
    /// <c>content_filter</c> (Anthropic <c>stop_reason: "refusal"</c>).
    /// </summary>
    /// <param name="blockReason">The Gemini <c>blockReason</c>, for example <c>SAFETY</c>, <c>OTHER</c> or <c>PROHIBITED_CONTENT</c>.</param>
    /// <param name="usage">The usage to report; null = deterministic word counts (no output).</param>
    /// <returns>The reply.</returns>
    public static FakeReply PromptBlocked(string blockReason, FakeUsage? usage = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(blockReason);
        return new FakeReply(FakeReplyKind.Completion) { Usage = usage, FinishReason = "content_filter", BlockReason = blockReason };
    }

    /// <summary>
    /// An HTTP error in the provider's own body shape. <paramref name="retryAfter"/> sets <c>retry-after</c>
    /// (whole seconds, rounded up) and, for OpenAI and Anthropic, <c>retry-after-ms</c>; for Gemini it adds a
    /// <c>google.rpc.RetryInfo</c> detail with <c>retryDelay</c> (for example <c>"17s"</c> or <c>"1.5s"</c>) and no header.
    /// </summary>
    /// <param name="status">The HTTP status (400–599).</param>
    /// <param name="message">The <c>error.message</c>.</param>
    /// <param name="type">
    /// The <c>error.type</c> (Gemini: the <c>error.status</c>, for example <c>RESOURCE_EXHAUSTED</c>); null = the provider's
    /// usual value for the status.
    /// </param>
    /// <param name="code">
    /// The <c>error.code</c> (OpenAI/xAI string; Perplexity writes the numeric status unless this parses as a number;
    /// Anthropic writes it as <c>error.details.error_code</c>, for example <c>enforced_spend_limit_reached</c>; Gemini adds a
    /// <c>google.rpc.ErrorInfo</c> detail with this <c>reason</c>).
    /// </param>
    /// <param name="retryAfter">The retry delay to advertise.</param>
    /// <returns>The reply.</returns>
    public static FakeReply Error(int status, string message, string? type = null, string? code = null, TimeSpan? retryAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        ArgumentNullException.ThrowIfNull(message);
        if (retryAfter is { } delay)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero, nameof(retryAfter));
        }

        return new FakeReply(FakeReplyKind.Error)
        {
            Status = status,
            Message = message,
            ErrorType = type,
            ErrorCode = code,
            RetryAfter = retryAfter,
        };
    }

    /// <summary>A verbatim response (for example xAI's flat <c>{"code","error"}</c> body with HTTP 200, or Perplexity's 422 <c>{"detail":[…]}</c>).</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="contentType">The content type; empty = none.</param>
    /// <param name="body">The body text (UTF-8).</param>
    /// <param name="headers">Extra response headers.</param>
    /// <returns>The reply.</returns>
    public static FakeReply Raw(int status, string contentType, string body, IReadOnlyDictionary<string, string>? headers = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        ArgumentNullException.ThrowIfNull(contentType);
        ArgumentNullException.ThrowIfNull(body);
        return new FakeReply(FakeReplyKind.Raw)
        {
            Status = status,
            ContentType = contentType,
            Body = body,
            Headers = headers is null ? null : Copy(headers),
        };
    }

    /// <summary>
    /// A stream that sends <paramref name="chunks"/> content chunks (<c>"chunk1 "</c>, <c>"chunk2 "</c>, …, the last without
    /// the trailing space) and then <c>data: {"error":{"message","type"}}</c> after HTTP 200, with no finish, usage or
    /// <c>[DONE]</c>. Anthropic: <c>message_start</c>, the text block's deltas, then <c>event: error</c> with
    /// <c>{"type":"error","error":{"type","message"}}</c> (the default <paramref name="type"/> becomes <c>overloaded_error</c>)
    /// and no <c>message_stop</c>. Gemini: the text chunks, then <c>data: {"error":{"code":500,"message","status":"INTERNAL"}}</c>
    /// (a non-default <paramref name="type"/> is used as the <c>status</c>). To a non-streaming request it answers HTTP 200
    /// with that error object as the body.
    /// </summary>
    /// <param name="chunks">The number of content chunks before the error.</param>
    /// <param name="message">The error message.</param>
    /// <param name="type">The error type (Gemini: status).</param>
    /// <returns>The reply.</returns>
    public static FakeReply StreamErrorAfter(int chunks, string message, string type = "server_error")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunks);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(type);
        return new FakeReply(FakeReplyKind.StreamError) { ReplyText = ChunkText(chunks), Message = message, ErrorType = type };
    }

    /// <summary>
    /// A stream that sends <paramref name="chunks"/> content chunks (as in <see cref="StreamErrorAfter"/>) and then aborts
    /// the connection: no finish, no usage, no <c>[DONE]</c>. A non-streaming request gets its connection aborted at once.
    /// </summary>
    /// <param name="chunks">The number of content chunks before the drop.</param>
    /// <returns>The reply.</returns>
    public static FakeReply StreamDropAfter(int chunks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunks);
        return new FakeReply(FakeReplyKind.StreamDrop) { ReplyText = ChunkText(chunks) };
    }

    /// <summary>
    /// Adds reasoning text. xAI: <c>message.reasoning_content</c> / <c>delta.reasoning_content</c> chunks before content.
    /// Perplexity: a leading <c>&lt;think&gt;…&lt;/think&gt;</c> section in the content (as sonar-reasoning does).
    /// OpenAI: not on the wire (Chat Completions hides reasoning); it only feeds the default reasoning token count.
    /// Anthropic: a leading <c>thinking</c> block with a random <c>signature</c> (<c>thinking_delta</c> chunks then a
    /// <c>signature_delta</c> when streaming). Gemini: a leading <c>{"text", "thought": true}</c> part (word deltas when streaming).
    /// </summary>
    /// <param name="reasoning">The reasoning text.</param>
    /// <returns>A modified copy.</returns>
    public FakeReply WithReasoning(string reasoning)
    {
        ArgumentNullException.ThrowIfNull(reasoning);
        return new FakeReply(this) { Reasoning = reasoning };
    }

    /// <summary>
    /// Marks the reply as stopped by a stop sequence: Anthropic <c>stop_reason: "stop_sequence"</c> with
    /// <c>stop_sequence</c> set; the other providers finish <c>stop</c> (Gemini <c>STOP</c>).
    /// </summary>
    /// <param name="stopSequence">The matched stop sequence.</param>
    /// <returns>A modified copy.</returns>
    public FakeReply WithStopSequence(string stopSequence)
    {
        ArgumentException.ThrowIfNullOrEmpty(stopSequence);
        return new FakeReply(this) { StopSequence = stopSequence, FinishReason = "stop" };
    }

    /// <summary>Adds top-level <c>citations</c> (xAI and Perplexity; ignored by OpenAI).</summary>
    /// <param name="urls">The citation URLs.</param>
    /// <returns>A modified copy.</returns>
    public FakeReply WithCitations(IReadOnlyList<string> urls)
    {
        ArgumentNullException.ThrowIfNull(urls);
        return new FakeReply(this) { Citations = [.. urls] };
    }

    /// <summary>Adds Perplexity's top-level <c>search_results</c> (ignored by the other providers).</summary>
    /// <param name="results">The search results.</param>
    /// <returns>A modified copy.</returns>
    public FakeReply WithSearchResults(IReadOnlyList<FakeSearchResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return new FakeReply(this) { SearchResults = [.. results] };
    }

    /// <summary>Sets the <c>model</c> the fake reports (default: the request's model).</summary>
    /// <param name="model">The model string, for example a dated snapshot.</param>
    /// <returns>A modified copy.</returns>
    public FakeReply WithModel(string model)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        return new FakeReply(this) { Model = model };
    }

    /// <summary>
    /// Adds an OpenAI refusal (<c>message.refusal</c> / <c>delta.refusal</c> chunks). When the text is empty,
    /// <c>message.content</c> is null. Ignored by xAI and Perplexity.
    /// </summary>
    /// <param name="refusal">The refusal text.</param>
    /// <returns>A modified copy.</returns>
    public FakeReply WithRefusal(string refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return new FakeReply(this) { Refusal = refusal };
    }

    /// <summary>Adds response headers; they are applied last, so they override the fake's own (for example <c>x-should-retry</c>).</summary>
    /// <param name="headers">The headers.</param>
    /// <returns>A modified copy.</returns>
    public FakeReply WithHeaders(IReadOnlyDictionary<string, string> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var merged = Headers is null ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) : Copy(Headers);
        foreach (var pair in headers)
        {
            merged[pair.Key] = pair.Value;
        }

        return new FakeReply(this) { Headers = merged };
    }

    /// <summary>Waits before sending anything (status line included); useful for timeout tests.</summary>
    /// <param name="delay">The delay.</param>
    /// <returns>A modified copy.</returns>
    public FakeReply WithDelay(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new FakeReply(this) { Delay = delay };
    }

    /// <summary>
    /// Streams an SSE comment line <c>: keep-alive</c> before every data event (parsers must ignore it). Anthropic sends an
    /// extra <c>event: ping</c> instead; Gemini's comment is CRLF-terminated (and its JSON-array form has none).
    /// </summary>
    /// <returns>A modified copy.</returns>
    public FakeReply WithKeepAlives() => new(this) { KeepAlives = true };

    private static Dictionary<string, string> Copy(IReadOnlyDictionary<string, string> headers)
    {
        var copy = new Dictionary<string, string>(headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var pair in headers)
        {
            copy[pair.Key] = pair.Value;
        }

        return copy;
    }

    private static string ChunkText(int chunks)
    {
        var builder = new StringBuilder(chunks * 8);
        for (var i = 1; i <= chunks; i++)
        {
            if (i > 1)
            {
                builder.Append(' ');
            }

            builder.Append("chunk").Append(i.ToString(CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}
