using System.Globalization;
using System.Text.Json;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// Perplexity Sonar (providers.md §5): <c>POST /chat/completions</c> without <c>/v1</c>, strict role alternation,
/// numeric error <c>code</c>, top-level <c>citations</c> / <c>search_results</c> on every chunk, usage with <c>cost</c>
/// on the final chunk, optional <c>[DONE]</c>.
/// </summary>
internal sealed class PerplexityDialect : OpenAICompatibleDialect
{
    private const decimal InputPricePerToken = 0.000001m;

    private const decimal OutputPricePerToken = 0.000001m;

    /// <inheritdoc />
    public override FakeProviderKind Kind => FakeProviderKind.Perplexity;

    /// <inheritdoc />
    public override string BasePath => string.Empty;

    /// <inheritdoc />
    protected override IReadOnlyList<string> ModelIds => [];

    /// <inheritdoc />
    protected override string NewCompletionId() => WireIds.NewUuid();

    /// <inheritdoc />
    protected override ProviderError? Validate(ChatRequest chat)
    {
        var leading = true;
        var turn = 0;
        foreach (var message in chat.Messages.EnumerateArray())
        {
            var role = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out var r) ? r : default;
            if (leading && role.ValueKind == JsonValueKind.String && role.ValueEquals("system"))
            {
                continue;
            }

            leading = false;
            var ok = role.ValueKind == JsonValueKind.String && (turn % 2 == 0
                ? role.ValueEquals("user") || role.ValueEquals("tool")
                : role.ValueEquals("assistant"));
            if (!ok)
            {
                return new ProviderError(
                    400,
                    "After the (optional) system message(s), user and assistant roles should be alternating.",
                    "invalid_message");
            }

            turn++;
        }

        return null;
    }

    /// <inheritdoc />
    protected override string DefaultErrorType(int status) => status switch
    {
        401 => "authentication_error",
        402 => "insufficient_credits",
        403 => "permission_denied",
        404 => "not_found",
        429 => "rate_limit_exceeded",
        >= 500 => "internal_server_error",
        _ => "bad_request",
    };

    /// <inheritdoc />
    protected override ProviderError UnauthorizedError(string? presentedKey) => new(
        401,
        presentedKey is null ? "Missing API key. Send it as 'Authorization: Bearer <key>'." : "Invalid API key provided.",
        DefaultErrorType(401));

    /// <inheritdoc />
    protected override ProviderError NotFoundError(string method, string path) =>
        new(404, $"Not Found ({method} {path})", DefaultErrorType(404));

    /// <inheritdoc />
    protected override string ContentFor(FakeReply reply) =>
        reply.Reasoning is { } reasoning ? $"<think>\n{reasoning}\n</think>\n\n{reply.ReplyText}" : reply.ReplyText;

    /// <inheritdoc />
    protected override FakeUsage DefaultUsage(int promptWords, int outputWords, int reasoningWords) =>
        new(promptWords, outputWords);

    /// <inheritdoc />
    protected override void WriteErrorBody(Utf8JsonWriter w, ProviderError error)
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("message", error.Message);
        w.WriteString("type", error.Type);
        w.WriteNumber("code", int.TryParse(error.Code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : error.Status);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <inheritdoc />
    protected override void WriteMessage(Utf8JsonWriter w, CompletionContext c)
    {
        w.WriteString("role", "assistant");
        w.WriteString("content", c.Content);
        if (c.ToolCalls.Count > 0)
        {
            WriteToolCalls(w, c.ToolCalls, withIndex: false);
        }
    }

    /// <inheritdoc />
    protected override void WriteUsage(Utf8JsonWriter w, CompletionContext c)
    {
        var u = c.Usage;
        w.WriteStartObject();
        w.WriteNumber("prompt_tokens", u.PromptTokens);
        w.WriteNumber("completion_tokens", u.CompletionTokens);
        w.WriteNumber("total_tokens", u.PromptTokens + u.CompletionTokens);
        if (u.ReasoningTokens > 0)
        {
            w.WriteNumber("reasoning_tokens", u.ReasoningTokens);
        }

        w.WriteString("search_context_size", "low");
        if (u.CostUsd is { } total)
        {
            var input = u.PromptTokens * InputPricePerToken;
            var output = u.CompletionTokens * OutputPricePerToken;
            var request = total - input - output;
            if (request < 0 && input + output > 0)
            {
                // The scripted total is smaller than the token list price: put it all on the tokens.
                input = total * input / (input + output);
                output = total - input;
                request = 0;
            }

            w.WriteStartObject("cost");
            w.WriteNumber("input_tokens_cost", Normalize(input));
            w.WriteNumber("output_tokens_cost", Normalize(output));
            w.WriteNumber("request_cost", Normalize(request));
            w.WriteNumber("total_cost", Normalize(total));
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    /// <inheritdoc />
    protected override void WriteCompletionExtras(Utf8JsonWriter w, CompletionContext c) => WriteSearchFields(w, c);

    /// <inheritdoc />
    protected override void WriteChunkTrailer(Utf8JsonWriter w, CompletionContext c, bool finishing)
    {
        WriteSearchFields(w, c);
        if (finishing)
        {
            w.WritePropertyName("usage");
            WriteUsage(w, c);
        }
    }

    /// <inheritdoc />
    protected override async Task WriteStreamAsync(SseWriter sse, CompletionContext c, FakeProviderServer server)
    {
        var hasTools = c.ToolCalls.Count > 0;
        var faulting = c.Reply.Kind != FakeReplyKind.Completion;
        var sent = await WriteTextDeltasAsync(sse, c, c.Content, "content", roleOnFirst: true, finishOnLast: !hasTools && !faulting);
        if (await TryWriteFaultAsync(sse, c))
        {
            return;
        }

        if (hasTools)
        {
            await WriteToolCallFragmentsAsync(sse, c, roleOnFirst: sent == 0);
        }

        if (sent == 0 || hasTools)
        {
            await WriteFinishChunkAsync(sse, c);
        }

        if (server.Options.PerplexitySendsDone)
        {
            await sse.WriteDoneAsync();
        }
    }

    // Drops trailing zeros (0.005000 -> 0.005) the way the provider prints amounts.
    private static decimal Normalize(decimal value) => value / 1.000000000000000000000000000000000m;

    private static void WriteSearchFields(Utf8JsonWriter w, CompletionContext c)
    {
        if (c.Reply.Citations is { } citations)
        {
            WriteStrings(w, "citations", citations);
        }

        if (c.Reply.SearchResults is { } results)
        {
            w.WriteStartArray("search_results");
            foreach (var result in results)
            {
                w.WriteStartObject();
                w.WriteString("title", result.Title);
                w.WriteString("url", result.Url);
                if (result.Date is not null)
                {
                    w.WriteString("date", result.Date);
                }

                if (result.Snippet is not null)
                {
                    w.WriteString("snippet", result.Snippet);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }
    }
}
