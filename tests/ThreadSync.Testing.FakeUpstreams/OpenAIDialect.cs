using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// OpenAI Chat Completions (providers.md §2): <c>chatcmpl-</c> ids, <c>x-request-id</c>, <c>refusal</c>,
/// fragmented tool-call streaming, usage chunk only with <c>include_usage</c>, completion tokens include reasoning.
/// </summary>
internal sealed class OpenAIDialect : OpenAICompatibleDialect
{
    private static readonly IReadOnlyList<string> Models = ["gpt-5.2", "gpt-5.4", "gpt-5.4-mini", "gpt-5.5", "gpt-4.1", "gpt-4o-mini", "o4-mini"];

    private static readonly string[] ReasoningPrefixes = ["o1", "o3", "o4", "gpt-5"];

    /// <inheritdoc />
    public override FakeProviderKind Kind => FakeProviderKind.OpenAI;

    /// <inheritdoc />
    public override string BasePath => "/v1";

    /// <inheritdoc />
    protected override IReadOnlyList<string> ModelIds => Models;

    /// <inheritdoc />
    protected override string OwnedBy => "openai";

    /// <inheritdoc />
    protected override bool SendsRefusal => true;

    /// <inheritdoc />
    protected override string NewCompletionId() => WireIds.NewChatCompletionId();

    /// <inheritdoc />
    protected override void OnResponseStarting(HttpResponse response) => response.Headers["x-request-id"] = WireIds.NewRequestId();

    /// <inheritdoc />
    protected override ProviderError? Validate(ChatRequest chat)
    {
        if (!chat.Has("max_tokens"))
        {
            return null;
        }

        foreach (var prefix in ReasoningPrefixes)
        {
            if (chat.Model.StartsWith(prefix, StringComparison.Ordinal))
            {
                return new ProviderError(
                    400,
                    "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
                    "invalid_request_error",
                    "max_tokens",
                    "unsupported_parameter");
            }
        }

        return null;
    }

    /// <inheritdoc />
    protected override string DefaultErrorType(int status) => status switch
    {
        429 => "requests",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    /// <inheritdoc />
    protected override ProviderError UnauthorizedError(string? presentedKey) => presentedKey is null
        ? new ProviderError(
            401,
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.",
            "invalid_request_error")
        : new ProviderError(
            401,
            $"Incorrect API key provided: {Mask(presentedKey, 3, 4)}. You can find your API key at https://platform.openai.com/account/api-keys.",
            "invalid_request_error",
            null,
            "invalid_api_key");

    /// <inheritdoc />
    protected override void AddRetryHeaders(HttpResponse response, TimeSpan retryAfter)
    {
        base.AddRetryHeaders(response, retryAfter);
        response.Headers["retry-after-ms"] = ((long)Math.Ceiling(retryAfter.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
    }

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
        var refusal = c.Reply.Refusal;
        w.WriteString("role", "assistant");
        if (c.Content.Length == 0 && (refusal is not null || c.ToolCalls.Count > 0))
        {
            w.WriteNull("content");
        }
        else
        {
            w.WriteString("content", c.Content);
        }

        w.WriteString("refusal", refusal);
        w.WriteStartArray("annotations");
        w.WriteEndArray();
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
        w.WriteStartObject("prompt_tokens_details");
        w.WriteNumber("cached_tokens", u.CachedTokens);
        w.WriteNumber("audio_tokens", 0);
        w.WriteEndObject();
        w.WriteStartObject("completion_tokens_details");
        w.WriteNumber("reasoning_tokens", u.ReasoningTokens);
        w.WriteNumber("audio_tokens", 0);
        w.WriteNumber("accepted_prediction_tokens", 0);
        w.WriteNumber("rejected_prediction_tokens", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <inheritdoc />
    protected override void WriteChoiceExtras(Utf8JsonWriter w) => w.WriteNull("logprobs");

    /// <inheritdoc />
    protected override void WriteCompletionExtras(Utf8JsonWriter w, CompletionContext c) => WriteServiceFields(w);

    /// <inheritdoc />
    protected override void WriteChunkHeaderExtras(Utf8JsonWriter w, CompletionContext c) => WriteServiceFields(w);

    /// <inheritdoc />
    protected override void WriteChunkTrailer(Utf8JsonWriter w, CompletionContext c, bool finishing)
    {
        if (c.IncludeUsage)
        {
            w.WriteNull("usage");
        }
    }

    /// <inheritdoc />
    protected override async Task WriteStreamAsync(SseWriter sse, CompletionContext c, FakeProviderServer server)
    {
        var w = sse.BeginEvent();
        BeginChunk(w, c);
        w.WriteString("role", "assistant");
        w.WriteString("content", string.Empty);
        w.WriteNull("refusal");
        EndChunk(w, c, null);
        await sse.EndEventAsync();

        await WriteTextDeltasAsync(sse, c, c.Content, "content", roleOnFirst: false, finishOnLast: false);
        if (await TryWriteFaultAsync(sse, c))
        {
            return;
        }

        if (c.Reply.Refusal is { } refusal)
        {
            await WriteTextDeltasAsync(sse, c, refusal, "refusal", roleOnFirst: false, finishOnLast: false);
        }

        await WriteToolCallFragmentsAsync(sse, c, roleOnFirst: false);
        await WriteFinishChunkAsync(sse, c);
        if (c.IncludeUsage)
        {
            await WriteUsageChunkAsync(sse, c);
        }

        await sse.WriteDoneAsync();
    }

    private static void WriteServiceFields(Utf8JsonWriter w)
    {
        w.WriteString("service_tier", "default");
        w.WriteString("system_fingerprint", "fp_fake0001");
    }
}
