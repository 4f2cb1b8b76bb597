using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Providers.Gemini.Wire;
using ThreadSync.Gateway.Providers.Internal;

namespace ThreadSync.Gateway.Providers.Gemini;

/// <summary>
/// Turns Gemini's streamed chunks (providers.md §3.4) into normalized updates: each chunk's text is a delta,
/// function calls arrive whole, usage is repeated and the last one wins, and the finish reason comes on the last
/// chunk. Gemini has no terminator, so the finishing update (finish reason and usage) is produced when the body ends.
/// </summary>
internal sealed class GeminiStreamState
{
    private GeminiUsagePayload? _usage;
    private string? _responseId;
    private string? _modelId;
    private string? _finishReason;
    private bool _hasFunctionCalls;
    private bool _blocked;

    /// <summary>Gets a value indicating whether a finish reason (or a prompt block) arrived.</summary>
    public bool Finished => _finishReason is not null;

    public ChatResponseUpdate? Accept(GeminiResponsePayload chunk)
    {
        ProviderErrorParser.ThrowIfError(GatewayProvider.Gemini, chunk.Error, ProviderFailureKind.StreamError);
        _responseId ??= chunk.ResponseId;
        _modelId ??= chunk.ModelVersion;
        _usage = chunk.UsageMetadata ?? _usage;

        var contents = new List<AIContent>();
        var candidate = chunk.Candidates is { Count: > 0 } candidates ? candidates[0] : null;
        _hasFunctionCalls |= GeminiResponseReader.AddParts(contents, candidate);
        if (candidate?.FinishReason is { } finish)
        {
            _finishReason = finish;
        }
        else if (candidate is null && chunk.PromptFeedback?.BlockReason is { } blockReason)
        {
            _finishReason = blockReason;
            _blocked = true;
            contents.Add(GeminiResponseReader.Blocked(blockReason));
        }

        return contents.Count == 0 ? null : NewUpdate(contents);
    }

    public ChatResponseUpdate Complete()
    {
        var contents = new List<AIContent>();
        if (_usage is not null)
        {
            contents.Add(new UsageContent(GeminiResponseReader.ToUsage(_usage)));
        }

        var update = NewUpdate(contents);
        update.FinishReason = _blocked ? ChatFinishReason.ContentFilter : GeminiResponseReader.MapFinishReason(_finishReason, _hasFunctionCalls);
        (update.AdditionalProperties ??= [])[GatewayContentKeys.FinishReasonRaw] = _finishReason;
        return update;
    }

    private ChatResponseUpdate NewUpdate(List<AIContent> contents) => new(ChatRole.Assistant, contents)
    {
        ResponseId = _responseId,
        MessageId = _responseId,
        ModelId = _modelId,
    };
}
