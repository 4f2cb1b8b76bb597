using System.Text.Json;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// xAI Grok Chat Completions (providers.md §4): UUID ids, <c>reasoning_content</c>, whole tool calls in one delta,
/// completion tokens exclude reasoning, <c>num_sources_used</c>, <c>cost_in_usd_ticks</c>, top-level <c>citations</c>,
/// 404 for retired models.
/// </summary>
internal sealed class XAIDialect : OpenAICompatibleDialect
{
    private static readonly IReadOnlyList<string> Models = ["grok-4.3", "grok-4.5", "grok-4.20-0309-reasoning", "grok-4.20-0309-non-reasoning", "grok-3-mini", "grok-build-0.1"];

    private static readonly HashSet<string> RetiredModels = new(StringComparer.Ordinal)
    {
        "grok-4",
        "grok-4-0709",
        "grok-3",
        "grok-4-fast-reasoning",
        "grok-4-fast-non-reasoning",
        "grok-4-1-fast-reasoning",
        "grok-4-1-fast-non-reasoning",
    };

    /// <inheritdoc />
    public override FakeProviderKind Kind => FakeProviderKind.XAI;

    /// <inheritdoc />
    public override string BasePath => "/v1";

    /// <inheritdoc />
    protected override IReadOnlyList<string> ModelIds => Models;

    /// <inheritdoc />
    protected override string OwnedBy => "xai";

    /// <inheritdoc />
    protected override bool EmitsNullFinishReason => false;

    /// <inheritdoc />
    protected override string NewCompletionId() => WireIds.NewUuid();

    /// <inheritdoc />
    protected override ProviderError? Validate(ChatRequest chat) => RetiredModels.Contains(chat.Model)
        ? new ProviderError(
            404,
            $"The model {chat.Model} was retired on 2026-05-15 and does not exist or your team does not have access to it. Use grok-4.3 instead.",
            "invalid_request_error",
            "model",
            "model_not_found")
        : null;

    /// <inheritdoc />
    protected override ProviderError UnauthorizedError(string? presentedKey) => new(
        401,
        presentedKey is null
            ? "No API key provided. Pass your key in the Authorization header as 'Bearer <key>'. You can obtain an API key from https://console.x.ai."
            : $"Incorrect API key provided: {Mask(presentedKey, 2, 2)}. You can obtain an API key from https://console.x.ai.",
        "invalid_request_error",
        null,
        "invalid_api_key");

    /// <inheritdoc />
    protected override FakeUsage DefaultUsage(int promptWords, int outputWords, int reasoningWords) =>
        new(promptWords, outputWords, reasoningWords);

    /// <inheritdoc />
    protected override void WriteErrorBody(Utf8JsonWriter w, ProviderError error)
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("message", error.Message);
        w.WriteString("type", error.Type);
        w.WriteString("param", error.Param);
        w.WriteString("code", error.Code);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <inheritdoc />
    protected override void WriteMessage(Utf8JsonWriter w, CompletionContext c)
    {
        w.WriteString("role", "assistant");
        w.WriteString("content", c.Content);
        if (c.Reply.Reasoning is { } reasoning)
        {
            w.WriteString("reasoning_content", reasoning);
        }

        if (c.ToolCalls.Count > 0)
        {
            WriteToolCalls(w, c.ToolCalls, withIndex: false);
        }

        w.WriteNull("refusal");
    }

    /// <inheritdoc />
    protected override void WriteUsage(Utf8JsonWriter w, CompletionContext c)
    {
        var u = c.Usage;
        w.WriteStartObject();
        w.WriteNumber("prompt_tokens", u.PromptTokens);
        w.WriteNumber("completion_tokens", u.CompletionTokens);
        w.WriteNumber("total_tokens", u.PromptTokens + u.CompletionTokens + u.ReasoningTokens);
        w.WriteStartObject("prompt_tokens_details");
        w.WriteNumber("text_tokens", u.PromptTokens);
        w.WriteNumber("audio_tokens", 0);
        w.WriteNumber("image_tokens", 0);
        w.WriteNumber("cached_tokens", u.CachedTokens);
        w.WriteEndObject();
        w.WriteStartObject("completion_tokens_details");
        w.WriteNumber("reasoning_tokens", u.ReasoningTokens);
        w.WriteNumber("audio_tokens", 0);
        w.WriteNumber("accepted_prediction_tokens", 0);
        w.WriteNumber("rejected_prediction_tokens", 0);
        w.WriteEndObject();
        w.WriteNumber("num_sources_used", c.Reply.Citations?.Count ?? 0);
        if (u.CostUsd is { } cost)
        {
            w.WriteNumber("cost_in_usd_ticks", (long)decimal.Round(cost * 10_000_000_000m));
        }

        w.WriteEndObject();
    }

    /// <inheritdoc />
    protected override void WriteCompletionExtras(Utf8JsonWriter w, CompletionContext c)
    {
        w.WriteString("system_fingerprint", "fp_fake0001");
        WriteCitations(w, c);
    }

    /// <inheritdoc />
    protected override void WriteChunkHeaderExtras(Utf8JsonWriter w, CompletionContext c) =>
        w.WriteString("system_fingerprint", "fp_fake0001");

    /// <inheritdoc />
    protected override void WriteChunkTrailer(Utf8JsonWriter w, CompletionContext c, bool finishing)
    {
        if (finishing)
        {
            WriteCitations(w, c);
        }
    }

    /// <inheritdoc />
    protected override void WriteUsageChunkExtras(Utf8JsonWriter w, CompletionContext c) => WriteCitations(w, c);

    /// <inheritdoc />
    protected override async Task WriteStreamAsync(SseWriter sse, CompletionContext c, FakeProviderServer server)
    {
        var sent = 0;
        if (c.Reply.Reasoning is { } reasoning)
        {
            sent += await WriteTextDeltasAsync(sse, c, reasoning, "reasoning_content", roleOnFirst: true, finishOnLast: false);
        }

        sent += await WriteTextDeltasAsync(sse, c, c.Content, "content", roleOnFirst: sent == 0, finishOnLast: false);
        if (await TryWriteFaultAsync(sse, c))
        {
            return;
        }

        if (c.ToolCalls.Count > 0 || sent == 0)
        {
            var w = sse.BeginEvent();
            BeginChunk(w, c);
            if (sent == 0)
            {
                w.WriteString("role", "assistant");
            }

            if (c.ToolCalls.Count > 0)
            {
                WriteToolCalls(w, c.ToolCalls, withIndex: true);
            }
            else
            {
                w.WriteString("content", string.Empty);
            }

            EndChunk(w, c, null);
            await sse.EndEventAsync();
        }

        await WriteFinishChunkAsync(sse, c);
        if (c.IncludeUsage)
        {
            await WriteUsageChunkAsync(sse, c);
        }

        await sse.WriteDoneAsync();
    }

    private static void WriteCitations(Utf8JsonWriter w, CompletionContext c)
    {
        if (c.Reply.Citations is { } citations)
        {
            WriteStrings(w, "citations", citations);
        }
    }
}
