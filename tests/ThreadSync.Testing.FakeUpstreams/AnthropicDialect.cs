using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// Anthropic Messages (providers.md §1): <c>POST /v1/messages</c> on the bare origin, <c>x-api-key</c> plus a required
/// <c>anthropic-version</c>, a <c>request-id</c> header on every response, <c>msg_</c> ids, content blocks
/// (<c>thinking</c>, <c>text</c>, <c>tool_use</c> with an object <c>input</c>), uncached <c>input_tokens</c> with separate cache
/// fields, named SSE events (<c>message_start</c> … <c>message_stop</c>, <c>ping</c>, <c>error</c>) and
/// <c>{"type":"error","error":{…},"request_id"}</c> error bodies.
/// </summary>
internal sealed class AnthropicDialect : ProviderDialect
{
    private const string RequestIdHeader = "request-id";

    private static readonly byte[] PingFrame = "event: ping\ndata: {\"type\":\"ping\"}\n\n"u8.ToArray();

    private static readonly HashSet<string> Versions = new(StringComparer.Ordinal) { "2023-06-01", "2023-01-01" };

    /// <inheritdoc />
    public override FakeProviderKind Kind => FakeProviderKind.Anthropic;

    /// <inheritdoc />
    public override string BasePath => string.Empty;

    /// <inheritdoc />
    public override string ChatPath => "/v1/messages";

    /// <inheritdoc />
    public override async Task HandleAsync(HttpContext context, ReadOnlyMemory<byte> body, FakeProviderServer server)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers[RequestIdHeader] = WireIds.NewAnthropicRequestId();

        if (!HttpMethods.IsPost(request.Method) || !string.Equals(request.Path.Value, ChatPath, StringComparison.Ordinal))
        {
            await WriteErrorAsync(response, 404, "not_found_error", "Not Found");
            return;
        }

        var key = request.Headers["x-api-key"].ToString();
        if (key.Length == 0)
        {
            await WriteErrorAsync(response, 401, "authentication_error", "x-api-key header is required");
            return;
        }

        if (!string.Equals(key, server.ApiKey, StringComparison.Ordinal))
        {
            await WriteErrorAsync(response, 401, "authentication_error", "invalid x-api-key");
            return;
        }

        var version = request.Headers["anthropic-version"].ToString();
        if (version.Length == 0)
        {
            await WriteErrorAsync(response, 400, "invalid_request_error", "anthropic-version: header is required");
            return;
        }

        if (!Versions.Contains(version))
        {
            await WriteErrorAsync(response, 400, "invalid_request_error", $"anthropic-version: invalid version '{version}'. Use 2023-06-01.");
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            await WriteErrorAsync(response, 400, "invalid_request_error", "There was an issue with your request body: it is not valid JSON.");
            return;
        }

        using (document)
        {
            if (!AnthropicRequest.TryRead(document.RootElement, out var message, out var error))
            {
                await WriteErrorAsync(response, 400, "invalid_request_error", error);
                return;
            }

            var reply = server.TryDequeueReply() ?? FakeReply.Text("Echo: " + message.LastUserText);
            await RespondAsync(context, message, reply, server);
        }
    }

    /// <inheritdoc />
    public override Task WriteInternalErrorAsync(HttpContext context, string message) =>
        WriteErrorAsync(context.Response, 500, "api_error", message);

    private static string DefaultErrorType(int status) => status switch
    {
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        504 => "timeout_error",
        529 => "overloaded_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    private static string StopReason(FakeReply reply) => reply.StopSequence is not null
        ? "stop_sequence"
        : reply.FinishReason switch
        {
            "stop" => "end_turn",
            "length" => "max_tokens",
            "tool_calls" => "tool_use",
            "content_filter" => "refusal",
            var other => other,
        };

    private static Task WriteErrorAsync(HttpResponse response, int status, string type, string message, string? code = null, TimeSpan? retryAfter = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = ((long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            response.Headers["retry-after-ms"] = ((long)Math.Ceiling(delay.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        }

        var state = (Type: type, Message: message, Code: code, RequestId: response.Headers[RequestIdHeader].ToString());
        return JsonResponse.WriteAsync(response, status, state, static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("type", "error");
            WriteErrorObject(w, s.Type, s.Message, s.Code);
            w.WriteString("request_id", s.RequestId);
            w.WriteEndObject();
        }, headers);
    }

    private static void WriteErrorObject(Utf8JsonWriter w, string type, string message, string? code)
    {
        w.WriteStartObject("error");
        w.WriteString("type", type);
        w.WriteString("message", message);
        if (code is not null)
        {
            w.WriteStartObject("details");
            w.WriteString("error_code", code);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static string StreamErrorType(FakeReply reply) =>
        reply.ErrorType is null or "server_error" ? "overloaded_error" : reply.ErrorType;

    private static void WriteStreamError(Utf8JsonWriter w, FakeReply reply)
    {
        w.WriteStartObject();
        w.WriteString("type", "error");
        WriteErrorObject(w, StreamErrorType(reply), reply.Message, null);
        w.WriteEndObject();
    }

    private static CompletionContext CreateCompletion(AnthropicRequest request, FakeReply reply, FakeProviderServer server)
    {
        var usage = reply.Usage;
        if (usage is null)
        {
            var output = WireText.CountWords(reply.ReplyText);
            foreach (var call in reply.ToolCallList)
            {
                output += Math.Max(1, WireText.CountWords(call.ArgumentsJson));
            }

            var reasoning = reply.Reasoning is null ? 0 : WireText.CountWords(reply.Reasoning);
            usage = new FakeUsage(request.PromptWords, output + reasoning, reasoning);
        }

        var created = server.TimeProvider.GetUtcNow().ToUnixTimeSeconds();
        return new CompletionContext(reply, WireIds.NewAnthropicMessageId(), created, reply.Model ?? request.Model, reply.ReplyText, usage, includeUsage: true);
    }

    private static void WriteMessage(Utf8JsonWriter w, CompletionContext c, string signature)
    {
        var reply = c.Reply;
        w.WriteStartObject();
        w.WriteString("id", c.Id);
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        w.WriteString("model", c.Model);
        w.WriteStartArray("content");
        if (reply.Reasoning is { } reasoning)
        {
            w.WriteStartObject();
            w.WriteString("type", "thinking");
            w.WriteString("thinking", reasoning);
            w.WriteString("signature", signature);
            w.WriteEndObject();
        }

        if (c.Content.Length > 0)
        {
            w.WriteStartObject();
            w.WriteString("type", "text");
            w.WriteString("text", c.Content);
            w.WriteEndObject();
        }

        foreach (var call in c.ToolCalls)
        {
            w.WriteStartObject();
            w.WriteString("type", "tool_use");
            w.WriteString("id", call.Id);
            w.WriteString("name", call.Name);
            ToolArguments.Write(w, "input", call.ArgumentsJson);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("stop_reason", StopReason(reply));
        w.WriteString("stop_sequence", reply.StopSequence);
        w.WritePropertyName("usage");
        WriteUsage(w, c.Usage, c.Usage.CompletionTokens);
        w.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter w, FakeUsage usage, int outputTokens)
    {
        w.WriteStartObject();
        w.WriteNumber("input_tokens", usage.PromptTokens);
        w.WriteNumber("cache_creation_input_tokens", usage.CacheWriteTokens);
        w.WriteNumber("cache_read_input_tokens", usage.CachedTokens);
        w.WriteNumber("output_tokens", outputTokens);
        w.WriteString("service_tier", "standard");
        w.WriteEndObject();
    }

    private static async Task WriteStreamAsync(SseWriter sse, CompletionContext c)
    {
        var reply = c.Reply;
        var w = sse.BeginEvent("message_start");
        w.WriteStartObject();
        w.WriteString("type", "message_start");
        w.WriteStartObject("message");
        w.WriteString("id", c.Id);
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        w.WriteString("model", c.Model);
        w.WriteStartArray("content");
        w.WriteEndArray();
        w.WriteNull("stop_reason");
        w.WriteNull("stop_sequence");
        w.WritePropertyName("usage");
        WriteUsage(w, c.Usage, 1);
        w.WriteEndObject();
        w.WriteEndObject();
        await sse.EndEventAsync();

        w = sse.BeginEvent("ping");
        w.WriteStartObject();
        w.WriteString("type", "ping");
        w.WriteEndObject();
        await sse.EndEventAsync();

        var index = 0;
        if (reply.Kind is FakeReplyKind.StreamError or FakeReplyKind.StreamDrop)
        {
            if (c.Content.Length > 0)
            {
                await WriteBlockStartAsync(sse, index, "text", null);
                await WriteTextDeltasAsync(sse, index, "text_delta", "text", c.Content);
            }

            if (reply.Kind == FakeReplyKind.StreamDrop)
            {
                throw new StreamDroppedException();
            }

            WriteStreamError(sse.BeginEvent("error"), reply);
            await sse.EndEventAsync();
            return;
        }

        if (reply.Reasoning is { } reasoning)
        {
            await WriteBlockStartAsync(sse, index, "thinking", null);
            await WriteTextDeltasAsync(sse, index, "thinking_delta", "thinking", reasoning);
            await WriteDeltaAsync(sse, index, "signature_delta", "signature", WireIds.NewSignature(96).AsMemory());
            await WriteBlockStopAsync(sse, index++);
        }

        if (c.Content.Length > 0)
        {
            await WriteBlockStartAsync(sse, index, "text", null);
            await WriteTextDeltasAsync(sse, index, "text_delta", "text", c.Content);
            await WriteBlockStopAsync(sse, index++);
        }

        foreach (var call in c.ToolCalls)
        {
            await WriteBlockStartAsync(sse, index, "tool_use", call);
            var args = call.ArgumentsJson;
            if (args.Length == 0)
            {
                await WriteDeltaAsync(sse, index, "input_json_delta", "partial_json", ReadOnlyMemory<char>.Empty);
            }
            else
            {
                var cuts = WireText.MidTokenCuts(args);
                for (var i = 0; i + 1 < cuts.Length; i++)
                {
                    await WriteDeltaAsync(sse, index, "input_json_delta", "partial_json", args.AsMemory(cuts[i], cuts[i + 1] - cuts[i]));
                }
            }

            await WriteBlockStopAsync(sse, index++);
        }

        w = sse.BeginEvent("message_delta");
        w.WriteStartObject();
        w.WriteString("type", "message_delta");
        w.WriteStartObject("delta");
        w.WriteString("stop_reason", StopReason(reply));
        w.WriteString("stop_sequence", reply.StopSequence);
        w.WriteEndObject();
        w.WriteStartObject("usage");
        w.WriteNumber("output_tokens", c.Usage.CompletionTokens);
        w.WriteEndObject();
        w.WriteEndObject();
        await sse.EndEventAsync();

        w = sse.BeginEvent("message_stop");
        w.WriteStartObject();
        w.WriteString("type", "message_stop");
        w.WriteEndObject();
        await sse.EndEventAsync();
    }

    private static ValueTask WriteBlockStartAsync(SseWriter sse, int index, string type, FakeToolCall? call)
    {
        var w = sse.BeginEvent("content_block_start");
        w.WriteStartObject();
        w.WriteString("type", "content_block_start");
        w.WriteNumber("index", index);
        w.WriteStartObject("content_block");
        w.WriteString("type", type);
        switch (type)
        {
            case "thinking":
                w.WriteString("thinking", string.Empty);
                w.WriteString("signature", string.Empty);
                break;
            case "text":
                w.WriteString("text", string.Empty);
                break;
            default:
                w.WriteString("id", call!.Id);
                w.WriteString("name", call.Name);
                w.WriteStartObject("input");
                w.WriteEndObject();
                break;
        }

        w.WriteEndObject();
        w.WriteEndObject();
        return sse.EndEventAsync();
    }

    private static ValueTask WriteBlockStopAsync(SseWriter sse, int index)
    {
        var w = sse.BeginEvent("content_block_stop");
        w.WriteStartObject();
        w.WriteString("type", "content_block_stop");
        w.WriteNumber("index", index);
        w.WriteEndObject();
        return sse.EndEventAsync();
    }

    private static ValueTask WriteDeltaAsync(SseWriter sse, int index, string deltaType, string field, ReadOnlyMemory<char> value)
    {
        var w = sse.BeginEvent("content_block_delta");
        w.WriteStartObject();
        w.WriteString("type", "content_block_delta");
        w.WriteNumber("index", index);
        w.WriteStartObject("delta");
        w.WriteString("type", deltaType);
        w.WriteString(field, value.Span);
        w.WriteEndObject();
        w.WriteEndObject();
        return sse.EndEventAsync();
    }

    private static async Task WriteTextDeltasAsync(SseWriter sse, int index, string deltaType, string field, string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var end = WireText.NextChunkEnd(text, start);
            await WriteDeltaAsync(sse, index, deltaType, field, text.AsMemory(start, end - start));
            start = end;
        }
    }

    private static async Task RespondAsync(HttpContext context, AnthropicRequest request, FakeReply reply, FakeProviderServer server)
    {
        if (reply.Delay > TimeSpan.Zero)
        {
            await Task.Delay(reply.Delay, context.RequestAborted);
        }

        var response = context.Response;
        switch (reply.Kind)
        {
            case FakeReplyKind.Error:
                await WriteErrorAsync(response, reply.Status, reply.ErrorType ?? DefaultErrorType(reply.Status), reply.Message, reply.ErrorCode, reply.RetryAfter, reply.Headers);
                return;
            case FakeReplyKind.Raw:
                await JsonResponse.WriteRawAsync(response, reply.Status, reply.ContentType, reply.Body, reply.Headers);
                return;
            case FakeReplyKind.StreamDrop when !request.Stream:
                context.Abort();
                return;
            case FakeReplyKind.StreamError when !request.Stream:
                await JsonResponse.WriteAsync(response, StatusCodes.Status200OK, reply, static (w, r) => WriteStreamError(w, r), reply.Headers);
                return;
        }

        var completion = CreateCompletion(request, reply, server);
        if (request.Stream)
        {
            using var sse = new SseWriter(context, server.Options.StreamChunkDelayMilliseconds, reply.KeepAlives ? PingFrame : null, reply.Headers);
            await WriteStreamAsync(sse, completion);
        }
        else
        {
            var state = (Completion: completion, Signature: WireIds.NewSignature(96));
            await JsonResponse.WriteAsync(response, StatusCodes.Status200OK, state, static (w, s) => WriteMessage(w, s.Completion, s.Signature), reply.Headers);
        }
    }
}
