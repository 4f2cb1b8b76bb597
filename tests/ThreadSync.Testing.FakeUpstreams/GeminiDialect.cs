using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// Google Gemini native REST (providers.md §3): <c>POST /v1beta/models/{model}:generateContent</c> and
/// <c>:streamGenerateContent</c> (SSE with CRLF separators and no terminator when <c>alt=sse</c>, a streamed JSON array
/// otherwise), <c>x-goog-api-key</c> or <c>?key=</c> (a bad key is a 400 <c>API_KEY_INVALID</c>), camelCase bodies,
/// <c>functionCall</c> parts with <c>thoughtSignature</c> and usually no id, thoughts outside
/// <c>candidatesTokenCount</c>, <c>promptFeedback.blockReason</c>, and Google RPC error bodies with <c>RetryInfo</c>.
/// </summary>
internal sealed class GeminiDialect : ProviderDialect
{
    private const string ModelsPrefix = "/v1beta/models/";

    private const string GenerateMethod = "generateContent";

    private const string StreamMethod = "streamGenerateContent";

    /// <inheritdoc />
    public override FakeProviderKind Kind => FakeProviderKind.Gemini;

    /// <inheritdoc />
    public override string BasePath => "/v1beta";

    /// <inheritdoc />
    public override string ChatPath => "/v1beta/models";

    /// <inheritdoc />
    public override async Task HandleAsync(HttpContext context, ReadOnlyMemory<byte> body, FakeProviderServer server)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Path.Value ?? string.Empty;
        if (!TryParseRoute(request.Method, path, out var model, out var stream))
        {
            await WriteErrorAsync(response, 404, $"Method not found: {request.Method} {path}");
            return;
        }

        var headerKey = request.Headers["x-goog-api-key"].ToString();
        var presentedKey = headerKey.Length > 0 ? headerKey : request.Query["key"].ToString();
        if (!string.Equals(presentedKey, server.ApiKey, StringComparison.Ordinal))
        {
            await WriteErrorAsync(response, 400, "API key not valid. Please pass a valid API key.", reason: "API_KEY_INVALID");
            return;
        }

        if (model.Length == 0)
        {
            await WriteErrorAsync(response, 400, "* GenerateContentRequest.model: unexpected model name format\n");
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            await WriteErrorAsync(response, 400, "Invalid JSON payload received. Unexpected token.");
            return;
        }

        using (document)
        {
            if (!GeminiRequest.TryRead(document.RootElement, server.Options.GeminiRequiresThoughtSignatures, out var generate, out var error))
            {
                await WriteErrorAsync(response, 400, error);
                return;
            }

            var reply = server.TryDequeueReply() ?? FakeReply.Text("Echo: " + generate.LastUserText);
            var sse = stream && string.Equals(request.Query["alt"].ToString(), "sse", StringComparison.Ordinal);
            await RespondAsync(context, generate, model, stream, sse, reply, server);
        }
    }

    /// <inheritdoc />
    public override Task WriteInternalErrorAsync(HttpContext context, string message) =>
        WriteErrorAsync(context.Response, 500, message);

    private static bool TryParseRoute(string method, string path, out string model, out bool stream)
    {
        model = string.Empty;
        stream = false;
        if (!HttpMethods.IsPost(method) || !path.StartsWith(ModelsPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = path.AsSpan(ModelsPrefix.Length);
        var colon = rest.LastIndexOf(':');
        if (colon < 0)
        {
            return false;
        }

        var name = rest[..colon];
        var action = rest[(colon + 1)..];
        if (name.Contains('/') || name.Contains(':'))
        {
            return false;
        }

        if (action.SequenceEqual(StreamMethod))
        {
            stream = true;
        }
        else if (!action.SequenceEqual(GenerateMethod))
        {
            return false;
        }

        model = name.ToString();
        return true;
    }

    private static string StatusName(int status) => status switch
    {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ABORTED",
        429 => "RESOURCE_EXHAUSTED",
        499 => "CANCELLED",
        501 => "UNIMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        >= 500 => "INTERNAL",
        _ => "FAILED_PRECONDITION",
    };

    private static int StatusCode(string statusName) => statusName switch
    {
        "INVALID_ARGUMENT" or "FAILED_PRECONDITION" or "OUT_OF_RANGE" => 400,
        "UNAUTHENTICATED" => 401,
        "PERMISSION_DENIED" => 403,
        "NOT_FOUND" => 404,
        "ABORTED" or "ALREADY_EXISTS" => 409,
        "RESOURCE_EXHAUSTED" => 429,
        "CANCELLED" => 499,
        "UNIMPLEMENTED" => 501,
        "UNAVAILABLE" => 503,
        "DEADLINE_EXCEEDED" => 504,
        _ => 500,
    };

    private static string FinishReason(FakeReply reply) => reply.FinishReason switch
    {
        "stop" or "tool_calls" => "STOP",
        "length" => "MAX_TOKENS",
        "content_filter" => "SAFETY",
        var other => other,
    };

    private static string RetryDelay(TimeSpan delay) =>
        delay.TotalSeconds.ToString("0.#########", CultureInfo.InvariantCulture) + "s";

    private static Task WriteErrorAsync(HttpResponse response, int status, string message, string? statusName = null, string? reason = null, TimeSpan? retryAfter = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var state = (Status: status, Message: message, StatusName: statusName ?? StatusName(status), Reason: reason, RetryAfter: retryAfter);
        return JsonResponse.WriteAsync(response, status, state, static (w, s) => WriteErrorBody(w, s.Status, s.Message, s.StatusName, s.Reason, s.RetryAfter), headers);
    }

    private static void WriteErrorBody(Utf8JsonWriter w, int code, string message, string statusName, string? reason, TimeSpan? retryAfter)
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteNumber("code", code);
        w.WriteString("message", message);
        w.WriteString("status", statusName);
        if (reason is not null || retryAfter is not null)
        {
            w.WriteStartArray("details");
            if (reason is not null)
            {
                w.WriteStartObject();
                w.WriteString("@type", "type.googleapis.com/google.rpc.ErrorInfo");
                w.WriteString("reason", reason);
                w.WriteString("domain", "googleapis.com");
                w.WriteStartObject("metadata");
                w.WriteString("service", "generativelanguage.googleapis.com");
                w.WriteEndObject();
                w.WriteEndObject();
            }

            if (retryAfter is { } delay)
            {
                w.WriteStartObject();
                w.WriteString("@type", "type.googleapis.com/google.rpc.RetryInfo");
                w.WriteString("retryDelay", RetryDelay(delay));
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteStreamError(Utf8JsonWriter w, FakeReply reply)
    {
        var statusName = reply.ErrorType is null or "server_error" ? "INTERNAL" : reply.ErrorType;
        WriteErrorBody(w, StatusCode(statusName), reply.Message, statusName, null, null);
    }

    private static CompletionContext CreateCompletion(GeminiRequest request, string model, FakeReply reply, FakeProviderServer server)
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
            usage = new FakeUsage(request.PromptWords, output, reasoning);
        }

        var created = server.TimeProvider.GetUtcNow().ToUnixTimeSeconds();
        return new CompletionContext(reply, WireIds.NewGeminiResponseId(), created, reply.Model ?? model, reply.ReplyText, usage, includeUsage: true);
    }

    private static void WriteUsage(Utf8JsonWriter w, FakeUsage u, bool complete)
    {
        w.WriteStartObject("usageMetadata");
        w.WriteNumber("promptTokenCount", u.PromptTokens);
        if (complete)
        {
            w.WriteNumber("candidatesTokenCount", u.CompletionTokens);
            w.WriteNumber("thoughtsTokenCount", u.ReasoningTokens);
            w.WriteNumber("totalTokenCount", u.PromptTokens + u.CompletionTokens + u.ReasoningTokens);
        }
        else
        {
            w.WriteNumber("totalTokenCount", u.PromptTokens);
        }

        if (u.CachedTokens > 0)
        {
            w.WriteNumber("cachedContentTokenCount", u.CachedTokens);
        }

        w.WriteStartArray("promptTokensDetails");
        w.WriteStartObject();
        w.WriteString("modality", "TEXT");
        w.WriteNumber("tokenCount", u.PromptTokens);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteTrailer(Utf8JsonWriter w, CompletionContext c, bool completeUsage)
    {
        WriteUsage(w, c.Usage, completeUsage);
        w.WriteString("modelVersion", c.Model);
        w.WriteString("responseId", c.Id);
        w.WriteEndObject();
    }

    private static void WriteBlocked(Utf8JsonWriter w, CompletionContext c)
    {
        w.WriteStartObject();
        w.WriteStartObject("promptFeedback");
        w.WriteString("blockReason", c.Reply.BlockReason);
        w.WriteEndObject();
        WriteTrailer(w, c, completeUsage: false);
    }

    private static void BeginCandidate(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteStartArray("candidates");
        w.WriteStartObject();
        w.WriteStartObject("content");
    }

    private static void EndCandidate(Utf8JsonWriter w, CompletionContext c, bool final)
    {
        w.WriteString("role", "model");
        w.WriteEndObject();
        if (final)
        {
            w.WriteString("finishReason", FinishReason(c.Reply));
        }

        w.WriteNumber("index", 0);
        w.WriteEndObject();
        w.WriteEndArray();
        WriteTrailer(w, c, completeUsage: final);
    }

    private static void WriteTextPart(Utf8JsonWriter w, ReadOnlySpan<char> text, bool thought)
    {
        w.WriteStartObject();
        w.WriteString("text", text);
        if (thought)
        {
            w.WriteBoolean("thought", true);
        }

        w.WriteEndObject();
    }

    private static void WriteFunctionCallParts(Utf8JsonWriter w, CompletionContext c, bool sendIds)
    {
        foreach (var call in c.ToolCalls)
        {
            w.WriteStartObject();
            w.WriteStartObject("functionCall");
            if (sendIds)
            {
                w.WriteString("id", call.Id);
            }

            w.WriteString("name", call.Name);
            ToolArguments.Write(w, "args", call.ArgumentsJson);
            w.WriteEndObject();
            w.WriteString("thoughtSignature", WireIds.NewSignature(48));
            w.WriteEndObject();
        }
    }

    private static void WriteResponse(Utf8JsonWriter w, CompletionContext c, bool sendIds)
    {
        if (c.Reply.BlockReason is not null)
        {
            WriteBlocked(w, c);
            return;
        }

        BeginCandidate(w);
        var hasParts = c.Reply.Reasoning is not null || c.Content.Length > 0 || c.ToolCalls.Count > 0;
        if (hasParts)
        {
            // With no parts at all Gemini leaves them out (for example MAX_TOKENS spent on thinking).
            w.WriteStartArray("parts");
            if (c.Reply.Reasoning is { } reasoning)
            {
                WriteTextPart(w, reasoning, thought: true);
            }

            if (c.Content.Length > 0)
            {
                WriteTextPart(w, c.Content, thought: false);
            }

            WriteFunctionCallParts(w, c, sendIds);
            w.WriteEndArray();
        }

        EndCandidate(w, c, final: true);
    }

    private static async Task WriteStreamAsync(GeminiChunkWriter writer, CompletionContext c, bool sendIds)
    {
        var reply = c.Reply;
        if (reply.BlockReason is not null)
        {
            WriteBlocked(writer.BeginChunk(), c);
            await writer.EndChunkAsync();
            await writer.CompleteAsync();
            return;
        }

        var faulting = reply.Kind is FakeReplyKind.StreamError or FakeReplyKind.StreamDrop;
        var hasCalls = c.ToolCalls.Count > 0;
        var textEndsStream = !faulting && !hasCalls;
        var sent = 0;
        if (reply.Reasoning is { } reasoning && !faulting)
        {
            sent += await WriteTextChunksAsync(writer, c, reasoning, thought: true, finalLast: textEndsStream && c.Content.Length == 0);
        }

        sent += await WriteTextChunksAsync(writer, c, c.Content, thought: false, finalLast: textEndsStream);
        if (faulting)
        {
            if (reply.Kind == FakeReplyKind.StreamDrop)
            {
                throw new StreamDroppedException();
            }

            WriteStreamError(writer.BeginChunk(), reply);
            await writer.EndChunkAsync();
            await writer.CompleteAsync();
            return;
        }

        if (hasCalls || sent == 0)
        {
            var w = writer.BeginChunk();
            BeginCandidate(w);
            w.WriteStartArray("parts");
            if (hasCalls)
            {
                WriteFunctionCallParts(w, c, sendIds);
            }
            else
            {
                WriteTextPart(w, string.Empty, thought: false);
            }

            w.WriteEndArray();
            EndCandidate(w, c, final: true);
            await writer.EndChunkAsync();
        }

        await writer.CompleteAsync();
    }

    private static async Task<int> WriteTextChunksAsync(GeminiChunkWriter writer, CompletionContext c, string text, bool thought, bool finalLast)
    {
        var count = 0;
        var start = 0;
        while (start < text.Length)
        {
            var end = WireText.NextChunkEnd(text, start);
            var w = writer.BeginChunk();
            BeginCandidate(w);
            w.WriteStartArray("parts");
            WriteTextPart(w, text.AsSpan(start, end - start), thought);
            w.WriteEndArray();
            EndCandidate(w, c, final: finalLast && end >= text.Length);
            await writer.EndChunkAsync();
            start = end;
            count++;
        }

        return count;
    }

    private static async Task RespondAsync(HttpContext context, GeminiRequest request, string model, bool stream, bool sse, FakeReply reply, FakeProviderServer server)
    {
        if (reply.Delay > TimeSpan.Zero)
        {
            await Task.Delay(reply.Delay, context.RequestAborted);
        }

        var response = context.Response;
        switch (reply.Kind)
        {
            case FakeReplyKind.Error:
                var statusName = reply.ErrorType ?? StatusName(reply.Status);
                await WriteErrorAsync(response, reply.Status, reply.Message, statusName, reply.ErrorCode, reply.RetryAfter, reply.Headers);
                return;
            case FakeReplyKind.Raw:
                await JsonResponse.WriteRawAsync(response, reply.Status, reply.ContentType, reply.Body, reply.Headers);
                return;
            case FakeReplyKind.StreamDrop when !stream:
                context.Abort();
                return;
            case FakeReplyKind.StreamError when !stream:
                await JsonResponse.WriteAsync(response, StatusCodes.Status200OK, reply, static (w, r) => WriteStreamError(w, r), reply.Headers);
                return;
        }

        var completion = CreateCompletion(request, model, reply, server);
        var sendIds = server.Options.GeminiSendsFunctionCallIds;
        if (stream)
        {
            using var writer = new GeminiChunkWriter(context, sse, server.Options.StreamChunkDelayMilliseconds, reply.KeepAlives, reply.Headers);
            await WriteStreamAsync(writer, completion, sendIds);
        }
        else
        {
            await JsonResponse.WriteAsync(response, StatusCodes.Status200OK, (Completion: completion, SendIds: sendIds), static (w, s) => WriteResponse(w, s.Completion, s.SendIds), reply.Headers);
        }
    }
}
