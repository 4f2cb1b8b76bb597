using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// Shared machinery of the OpenAI-shaped Chat Completions dialects (OpenAI, xAI, Perplexity): request handling,
/// the <c>chat.completion</c> body, chunk framing and tool-call helpers. Subclasses supply the differences.
/// </summary>
internal abstract class OpenAICompatibleDialect : ProviderDialect
{
    /// <inheritdoc />
    public override string ChatPath => BasePath + "/chat/completions";

    /// <summary>Gets the model ids <c>GET {BasePath}/models</c> lists; empty = no models route.</summary>
    protected abstract IReadOnlyList<string> ModelIds { get; }

    /// <summary>Gets the <c>owned_by</c> value of listed models.</summary>
    protected virtual string OwnedBy => "system";

    /// <summary>Gets a value indicating whether the dialect sends <c>refusal</c> (OpenAI only).</summary>
    protected virtual bool SendsRefusal => false;

    /// <summary>Gets a value indicating whether non-final chunks carry <c>"finish_reason": null</c>.</summary>
    protected virtual bool EmitsNullFinishReason => true;

    /// <inheritdoc />
    public override async Task HandleAsync(HttpContext context, ReadOnlyMemory<byte> body, FakeProviderServer server)
    {
        var request = context.Request;
        var response = context.Response;
        OnResponseStarting(response);

        var path = request.Path.Value ?? string.Empty;
        var isChat = HttpMethods.IsPost(request.Method) && string.Equals(path, ChatPath, StringComparison.Ordinal);
        var isModels = !isChat
            && ModelIds.Count > 0
            && HttpMethods.IsGet(request.Method)
            && string.Equals(path, BasePath + "/models", StringComparison.Ordinal);
        if (!isChat && !isModels)
        {
            await WriteErrorAsync(response, NotFoundError(request.Method, path));
            return;
        }

        if (!IsAuthorized(request, server.ApiKey, out var presentedKey))
        {
            await WriteErrorAsync(response, UnauthorizedError(presentedKey));
            return;
        }

        if (isModels)
        {
            await JsonResponse.WriteAsync(response, StatusCodes.Status200OK, this, static (w, d) => d.WriteModels(w));
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            await WriteErrorAsync(response, InvalidBodyError());
            return;
        }

        using (document)
        {
            if (!ChatRequest.TryRead(document.RootElement, this, out var chat, out var error))
            {
                await WriteErrorAsync(response, error);
                return;
            }

            if (Validate(chat) is { } rejection)
            {
                await WriteErrorAsync(response, rejection);
                return;
            }

            var reply = server.TryDequeueReply() ?? FakeReply.Text("Echo: " + chat.LastUserText);
            await RespondAsync(context, chat, reply, server);
        }
    }

    /// <inheritdoc />
    public override Task WriteInternalErrorAsync(HttpContext context, string message) =>
        WriteErrorAsync(context.Response, new ProviderError(StatusCodes.Status500InternalServerError, message, DefaultErrorType(500)));

    /// <summary>The error for a body that is not a JSON object.</summary>
    /// <returns>The error.</returns>
    internal virtual ProviderError InvalidBodyError() => new(
        400,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The API expects a JSON payload, but what was sent was not valid JSON.)",
        DefaultErrorType(400));

    /// <summary>The error for a missing <c>model</c>.</summary>
    /// <returns>The error.</returns>
    internal virtual ProviderError MissingModelError() => new(400, "you must provide a model parameter", DefaultErrorType(400));

    /// <summary>The error for a missing <c>messages</c>.</summary>
    /// <returns>The error.</returns>
    internal virtual ProviderError MissingMessagesError() =>
        new(400, "Missing required parameter: 'messages'.", DefaultErrorType(400), "messages", "missing_required_parameter");

    /// <summary>The error for an empty <c>messages</c> array.</summary>
    /// <returns>The error.</returns>
    internal virtual ProviderError EmptyMessagesError() =>
        new(400, "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", DefaultErrorType(400), "messages", "empty_array");

    /// <summary>Shortens a key the way providers print it in 401 messages.</summary>
    /// <param name="key">The key.</param>
    /// <param name="head">Characters kept at the start.</param>
    /// <param name="tail">Characters kept at the end.</param>
    /// <returns>The masked key.</returns>
    protected static string Mask(string key, int head, int tail) =>
        key.Length <= head + tail ? new string('*', key.Length) : string.Concat(key.AsSpan(0, head), "***", key.AsSpan(key.Length - tail));

    /// <summary>Writes one whole tool call object (<c>{index?, id, type, function:{name, arguments}}</c>).</summary>
    /// <param name="w">The writer.</param>
    /// <param name="call">The call.</param>
    /// <param name="index">The streaming index, or null for a message.</param>
    protected static void WriteToolCall(Utf8JsonWriter w, FakeToolCall call, int? index)
    {
        w.WriteStartObject();
        if (index is { } i)
        {
            w.WriteNumber("index", i);
        }

        w.WriteString("id", call.Id);
        w.WriteString("type", "function");
        w.WriteStartObject("function");
        w.WriteString("name", call.Name);
        w.WriteString("arguments", call.ArgumentsJson);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Writes <c>"tool_calls":[…]</c> with whole calls.</summary>
    /// <param name="w">The writer.</param>
    /// <param name="calls">The calls.</param>
    /// <param name="withIndex">Whether each call carries its <c>index</c> (streams).</param>
    protected static void WriteToolCalls(Utf8JsonWriter w, IReadOnlyList<FakeToolCall> calls, bool withIndex)
    {
        w.WriteStartArray("tool_calls");
        for (var i = 0; i < calls.Count; i++)
        {
            WriteToolCall(w, calls[i], withIndex ? i : null);
        }

        w.WriteEndArray();
    }

    /// <summary>Writes a string array property.</summary>
    /// <param name="w">The writer.</param>
    /// <param name="name">The property name.</param>
    /// <param name="values">The values.</param>
    protected static void WriteStrings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    /// <summary>Creates a completion id in the provider's style.</summary>
    /// <returns>The id.</returns>
    protected abstract string NewCompletionId();

    /// <summary>Writes the error body in the provider's shape.</summary>
    /// <param name="w">The writer.</param>
    /// <param name="error">The error.</param>
    protected abstract void WriteErrorBody(Utf8JsonWriter w, ProviderError error);

    /// <summary>The 401 for a missing or wrong key.</summary>
    /// <param name="presentedKey">The presented bearer token, or null when there was none.</param>
    /// <returns>The error.</returns>
    protected abstract ProviderError UnauthorizedError(string? presentedKey);

    /// <summary>Writes the fields inside <c>choices[0].message</c>.</summary>
    /// <param name="w">The writer.</param>
    /// <param name="c">The completion.</param>
    protected abstract void WriteMessage(Utf8JsonWriter w, CompletionContext c);

    /// <summary>Writes the <c>usage</c> object (value only) with the provider's semantics.</summary>
    /// <param name="w">The writer.</param>
    /// <param name="c">The completion.</param>
    protected abstract void WriteUsage(Utf8JsonWriter w, CompletionContext c);

    /// <summary>Writes the whole stream after the headers.</summary>
    /// <param name="sse">The event writer.</param>
    /// <param name="c">The completion.</param>
    /// <param name="server">The server (for options).</param>
    /// <returns>A task that completes at the end of the stream.</returns>
    protected abstract Task WriteStreamAsync(SseWriter sse, CompletionContext c, FakeProviderServer server);

    /// <summary>Adds headers every response carries (for example OpenAI's <c>x-request-id</c>).</summary>
    /// <param name="response">The response.</param>
    protected virtual void OnResponseStarting(HttpResponse response)
    {
    }

    /// <summary>Provider-specific validation after the common checks; null = accepted.</summary>
    /// <param name="chat">The request.</param>
    /// <returns>The rejection, or null.</returns>
    protected virtual ProviderError? Validate(ChatRequest chat) => null;

    /// <summary>The provider's usual <c>error.type</c> for a status.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <returns>The type.</returns>
    protected virtual string DefaultErrorType(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        429 => "rate_limit_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    /// <summary>The 404 for an unknown route.</summary>
    /// <param name="method">The request method.</param>
    /// <param name="path">The request path.</param>
    /// <returns>The error.</returns>
    protected virtual ProviderError NotFoundError(string method, string path) =>
        new(404, $"Invalid URL ({method} {path})", DefaultErrorType(404));

    /// <summary>Adds retry headers for an error reply: <c>retry-after</c> in whole seconds, rounded up.</summary>
    /// <param name="response">The response.</param>
    /// <param name="retryAfter">The delay.</param>
    protected virtual void AddRetryHeaders(HttpResponse response, TimeSpan retryAfter)
    {
        var seconds = (long)Math.Ceiling(retryAfter.TotalSeconds);
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The content as sent (Perplexity prefixes reasoning as a think block).</summary>
    /// <param name="reply">The reply.</param>
    /// <returns>The content.</returns>
    protected virtual string ContentFor(FakeReply reply) => reply.ReplyText;

    /// <summary>The usage reported when the reply has none, from word counts, with the provider's semantics.</summary>
    /// <param name="promptWords">Words in the request messages.</param>
    /// <param name="outputWords">Words in the visible output.</param>
    /// <param name="reasoningWords">Words in the reasoning.</param>
    /// <returns>The usage (OpenAI semantics by default: completion includes reasoning).</returns>
    protected virtual FakeUsage DefaultUsage(int promptWords, int outputWords, int reasoningWords) =>
        new(promptWords, outputWords + reasoningWords, reasoningWords);

    /// <summary>Writes fields after <c>delta</c> in each streamed choice, and after <c>message</c> in the body (OpenAI: <c>logprobs</c>).</summary>
    /// <param name="w">The writer.</param>
    protected virtual void WriteChoiceExtras(Utf8JsonWriter w)
    {
    }

    /// <summary>Writes top-level fields at the end of the <c>chat.completion</c> body.</summary>
    /// <param name="w">The writer.</param>
    /// <param name="c">The completion.</param>
    protected virtual void WriteCompletionExtras(Utf8JsonWriter w, CompletionContext c)
    {
    }

    /// <summary>Writes top-level fields right after <c>model</c> in every chunk.</summary>
    /// <param name="w">The writer.</param>
    /// <param name="c">The completion.</param>
    protected virtual void WriteChunkHeaderExtras(Utf8JsonWriter w, CompletionContext c)
    {
    }

    /// <summary>Writes top-level fields after <c>choices</c> in every choice-carrying chunk.</summary>
    /// <param name="w">The writer.</param>
    /// <param name="c">The completion.</param>
    /// <param name="finishing">Whether this chunk carries the finish reason.</param>
    protected virtual void WriteChunkTrailer(Utf8JsonWriter w, CompletionContext c, bool finishing)
    {
    }

    /// <summary>Writes top-level fields after <c>usage</c> in the <c>choices: []</c> usage chunk.</summary>
    /// <param name="w">The writer.</param>
    /// <param name="c">The completion.</param>
    protected virtual void WriteUsageChunkExtras(Utf8JsonWriter w, CompletionContext c)
    {
    }

    /// <summary>Opens a chunk up to the inside of <c>choices[0].delta</c>.</summary>
    /// <param name="w">The writer.</param>
    /// <param name="c">The completion.</param>
    protected void BeginChunk(Utf8JsonWriter w, CompletionContext c)
    {
        WriteChunkHead(w, c);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
    }

    /// <summary>Closes a chunk opened with <see cref="BeginChunk"/>.</summary>
    /// <param name="w">The writer.</param>
    /// <param name="c">The completion.</param>
    /// <param name="finishReason">The finish reason, or null for a non-final chunk.</param>
    protected void EndChunk(Utf8JsonWriter w, CompletionContext c, string? finishReason)
    {
        w.WriteEndObject();
        WriteChoiceExtras(w);
        if (finishReason is not null)
        {
            w.WriteString("finish_reason", finishReason);
        }
        else if (EmitsNullFinishReason)
        {
            w.WriteNull("finish_reason");
        }

        w.WriteEndObject();
        w.WriteEndArray();
        WriteChunkTrailer(w, c, finishReason is not null);
        w.WriteEndObject();
    }

    /// <summary>Streams <paramref name="text"/> word by word as <c>delta.&lt;field&gt;</c> chunks.</summary>
    /// <param name="sse">The event writer.</param>
    /// <param name="c">The completion.</param>
    /// <param name="text">The text.</param>
    /// <param name="field">The delta field (<c>content</c>, <c>reasoning_content</c>, <c>refusal</c>).</param>
    /// <param name="roleOnFirst">Whether the first chunk also carries <c>role: "assistant"</c>.</param>
    /// <param name="finishOnLast">Whether the last chunk carries the finish reason (Perplexity).</param>
    /// <returns>The number of chunks written.</returns>
    protected async Task<int> WriteTextDeltasAsync(SseWriter sse, CompletionContext c, string text, string field, bool roleOnFirst, bool finishOnLast)
    {
        var count = 0;
        var start = 0;
        while (start < text.Length)
        {
            var end = WireText.NextChunkEnd(text, start);
            var w = sse.BeginEvent();
            BeginChunk(w, c);
            if (roleOnFirst && count == 0)
            {
                w.WriteString("role", "assistant");
            }

            w.WriteString(field, text.AsSpan(start, end - start));
            EndChunk(w, c, finishOnLast && end >= text.Length ? c.FinishReason : null);
            await sse.EndEventAsync();
            start = end;
            count++;
        }

        return count;
    }

    /// <summary>
    /// Streams tool calls OpenAI-style: per index a first fragment with <c>id</c>, <c>type</c>, <c>function.name</c> and
    /// empty <c>arguments</c>, then the arguments in two or more pieces; fragments of different indexes interleave.
    /// </summary>
    /// <param name="sse">The event writer.</param>
    /// <param name="c">The completion.</param>
    /// <param name="roleOnFirst">Whether the first chunk also carries <c>role: "assistant"</c>.</param>
    /// <returns>A task that completes when all fragments are sent.</returns>
    protected async Task WriteToolCallFragmentsAsync(SseWriter sse, CompletionContext c, bool roleOnFirst)
    {
        var calls = c.ToolCalls;
        var steps = 0;
        foreach (var call in calls)
        {
            steps = Math.Max(steps, 1 + WireText.FragmentCount(call.ArgumentsJson.Length));
        }

        var first = true;
        for (var step = 0; step < steps; step++)
        {
            for (var i = 0; i < calls.Count; i++)
            {
                var call = calls[i];
                var args = call.ArgumentsJson;
                var fragments = WireText.FragmentCount(args.Length);
                if (step > fragments)
                {
                    continue;
                }

                var w = sse.BeginEvent();
                BeginChunk(w, c);
                if (roleOnFirst && first)
                {
                    w.WriteString("role", "assistant");
                }

                w.WriteStartArray("tool_calls");
                w.WriteStartObject();
                w.WriteNumber("index", i);
                if (step == 0)
                {
                    w.WriteString("id", call.Id);
                    w.WriteString("type", "function");
                    w.WriteStartObject("function");
                    w.WriteString("name", call.Name);
                    w.WriteString("arguments", string.Empty);
                }
                else
                {
                    var from = WireText.FragmentStart(args, step - 1, fragments);
                    var to = WireText.FragmentStart(args, step, fragments);
                    w.WriteStartObject("function");
                    w.WriteString("arguments", args.AsSpan(from, to - from));
                }

                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
                EndChunk(w, c, null);
                await sse.EndEventAsync();
                first = false;
            }
        }
    }

    /// <summary>Sends the finish chunk: <c>delta: {}</c> with the finish reason.</summary>
    /// <param name="sse">The event writer.</param>
    /// <param name="c">The completion.</param>
    /// <returns>A task that completes when it is sent.</returns>
    protected ValueTask WriteFinishChunkAsync(SseWriter sse, CompletionContext c)
    {
        var w = sse.BeginEvent();
        BeginChunk(w, c);
        EndChunk(w, c, c.FinishReason);
        return sse.EndEventAsync();
    }

    /// <summary>Sends the extra <c>choices: []</c> chunk that carries <c>usage</c>.</summary>
    /// <param name="sse">The event writer.</param>
    /// <param name="c">The completion.</param>
    /// <returns>A task that completes when it is sent.</returns>
    protected ValueTask WriteUsageChunkAsync(SseWriter sse, CompletionContext c)
    {
        var w = sse.BeginEvent();
        WriteChunkHead(w, c);
        w.WriteStartArray("choices");
        w.WriteEndArray();
        w.WritePropertyName("usage");
        WriteUsage(w, c);
        WriteUsageChunkExtras(w, c);
        w.WriteEndObject();
        return sse.EndEventAsync();
    }

    /// <summary>
    /// Ends a fault reply: for <see cref="FakeReply.StreamErrorAfter"/> sends the error event, for
    /// <see cref="FakeReply.StreamDropAfter"/> cuts the connection (by throwing <see cref="StreamDroppedException"/>).
    /// Returns false for normal replies.
    /// </summary>
    /// <param name="sse">The event writer.</param>
    /// <param name="c">The completion.</param>
    /// <returns>True when the stream must end here.</returns>
    protected async Task<bool> TryWriteFaultAsync(SseWriter sse, CompletionContext c)
    {
        switch (c.Reply.Kind)
        {
            case FakeReplyKind.StreamError:
                WriteStreamError(sse.BeginEvent(), c.Reply);
                await sse.EndEventAsync();
                return true;
            case FakeReplyKind.StreamDrop:
                throw new StreamDroppedException();
            default:
                return false;
        }
    }

    private static void WriteStreamError(Utf8JsonWriter w, FakeReply reply)
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("message", reply.Message);
        w.WriteString("type", reply.ErrorType);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static bool IsAuthorized(HttpRequest request, string apiKey, out string? presentedKey)
    {
        presentedKey = null;
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return false;
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presentedKey = header;
            return false;
        }

        var token = header.AsSpan(7).Trim();
        if (token.SequenceEqual(apiKey))
        {
            return true;
        }

        presentedKey = token.ToString();
        return false;
    }

    private Task WriteErrorAsync(HttpResponse response, ProviderError error, TimeSpan? retryAfter = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        if (retryAfter is { } delay)
        {
            AddRetryHeaders(response, delay);
        }

        return JsonResponse.WriteAsync(response, error.Status, (Dialect: this, Error: error), static (w, s) => s.Dialect.WriteErrorBody(w, s.Error), headers);
    }

    private async Task RespondAsync(HttpContext context, ChatRequest chat, FakeReply reply, FakeProviderServer server)
    {
        if (reply.Delay > TimeSpan.Zero)
        {
            await Task.Delay(reply.Delay, context.RequestAborted);
        }

        var response = context.Response;
        switch (reply.Kind)
        {
            case FakeReplyKind.Error:
                var error = new ProviderError(reply.Status, reply.Message, reply.ErrorType ?? DefaultErrorType(reply.Status), null, reply.ErrorCode);
                await WriteErrorAsync(response, error, reply.RetryAfter, reply.Headers);
                return;
            case FakeReplyKind.Raw:
                await JsonResponse.WriteRawAsync(response, reply.Status, reply.ContentType, reply.Body, reply.Headers);
                return;
            case FakeReplyKind.StreamDrop when !chat.Stream:
                context.Abort();
                return;
            case FakeReplyKind.StreamError when !chat.Stream:
                await JsonResponse.WriteAsync(response, StatusCodes.Status200OK, reply, static (w, r) => WriteStreamError(w, r), reply.Headers);
                return;
        }

        var completion = CreateCompletion(chat, reply, server);
        if (chat.Stream)
        {
            using var sse = new SseWriter(context, server.Options.StreamChunkDelayMilliseconds, reply.KeepAlives, reply.Headers);
            await WriteStreamAsync(sse, completion, server);
        }
        else
        {
            await JsonResponse.WriteAsync(response, StatusCodes.Status200OK, (Dialect: this, Completion: completion), static (w, s) => s.Dialect.WriteCompletion(w, s.Completion), reply.Headers);
        }
    }

    private CompletionContext CreateCompletion(ChatRequest chat, FakeReply reply, FakeProviderServer server)
    {
        var content = ContentFor(reply);
        var usage = reply.Usage;
        if (usage is null)
        {
            var output = WireText.CountWords(content);
            if (SendsRefusal && reply.Refusal is not null)
            {
                output += WireText.CountWords(reply.Refusal);
            }

            foreach (var call in reply.ToolCallList)
            {
                output += Math.Max(1, WireText.CountWords(call.ArgumentsJson));
            }

            var reasoning = reply.Reasoning is null ? 0 : WireText.CountWords(reply.Reasoning);
            usage = DefaultUsage(chat.PromptWords, output, reasoning);
        }

        var created = server.TimeProvider.GetUtcNow().ToUnixTimeSeconds();
        return new CompletionContext(reply, NewCompletionId(), created, reply.Model ?? chat.Model, content, usage, chat.IncludeUsage);
    }

    private void WriteCompletion(Utf8JsonWriter w, CompletionContext c)
    {
        w.WriteStartObject();
        w.WriteString("id", c.Id);
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", c.Created);
        w.WriteString("model", c.Model);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        WriteMessage(w, c);
        w.WriteEndObject();
        WriteChoiceExtras(w);
        w.WriteString("finish_reason", c.FinishReason);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WritePropertyName("usage");
        WriteUsage(w, c);
        WriteCompletionExtras(w, c);
        w.WriteEndObject();
    }

    private void WriteChunkHead(Utf8JsonWriter w, CompletionContext c)
    {
        w.WriteStartObject();
        w.WriteString("id", c.Id);
        w.WriteString("object", "chat.completion.chunk");
        w.WriteNumber("created", c.Created);
        w.WriteString("model", c.Model);
        WriteChunkHeaderExtras(w, c);
    }

    private void WriteModels(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("object", "list");
        w.WriteStartArray("data");
        foreach (var id in ModelIds)
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("object", "model");
            w.WriteNumber("created", 1_735_689_600);
            w.WriteString("owned_by", OwnedBy);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
