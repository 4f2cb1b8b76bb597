using System.Text;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Providers.Anthropic.Wire;
using ThreadSync.Gateway.Providers.Internal;

namespace ThreadSync.Gateway.Providers.Anthropic;

/// <summary>
/// Turns Anthropic's stream events (providers.md §1.4) into normalized updates: text and thinking deltas as they
/// come, a tool call whole at its <c>content_block_stop</c> (its <c>input_json_delta</c> fragments joined first),
/// and usage — input from <c>message_start</c>, cumulative output from <c>message_delta</c>, last value wins — with
/// the finish. <c>ping</c> and unknown events are ignored; an <c>error</c> event fails the stream.
/// </summary>
internal sealed class AnthropicStreamState
{
    private readonly Dictionary<int, BlockBuilder> _blocks = [];
    private readonly AnthropicUsagePayload _usage = new();
    private string? _messageId;
    private string? _modelId;
    private string? _stopReason;
    private string? _stopSequence;
    private AnthropicStopDetailsPayload? _stopDetails;
    private bool _completed;

    /// <summary>Gets a value indicating whether a stop reason arrived (a connection closing after it is a normal end).</summary>
    public bool Finished => _stopReason is not null;

    /// <summary>Gets a value indicating whether <c>message_stop</c> arrived.</summary>
    public bool Stopped { get; private set; }

    public ChatResponseUpdate? Accept(string eventType, AnthropicStreamEventPayload payload)
    {
        // The JSON type repeats the SSE event name; trust the JSON when both are present.
        switch (payload.Type ?? eventType)
        {
            case "message_start":
                _messageId = payload.Message?.Id;
                _modelId = payload.Message?.Model;
                Merge(payload.Message?.Usage);

                // An empty update at once: endpoints can start their own stream while the model thinks.
                return NewUpdate([]);
            case "content_block_start" when payload.ContentBlock is { } block:
                return StartBlock(payload.Index ?? _blocks.Count, block);
            case "content_block_delta" when payload.Delta is { } delta:
                return ApplyDelta(payload.Index ?? 0, delta);
            case "content_block_stop":
                return StopBlock(payload.Index ?? 0);
            case "message_delta":
                _stopReason = payload.Delta?.StopReason ?? _stopReason;
                _stopSequence = payload.Delta?.StopSequence ?? _stopSequence;
                _stopDetails = payload.Delta?.StopDetails ?? _stopDetails;
                Merge(payload.Usage);
                return null;
            case "message_stop":
                Stopped = true;
                return Complete();
            case "error":
                ProviderErrorParser.ThrowIfError(GatewayProvider.Anthropic, payload.Error, ProviderFailureKind.StreamError);
                throw new ProviderException(GatewayProvider.Anthropic, ProviderFailureKind.StreamError, "Provider 'anthropic' reported an error during the stream.");
            default:
                return null;
        }
    }

    /// <summary>The finishing update (finish reason, usage); produced once, at <c>message_stop</c> or at the end of the body.</summary>
    public ChatResponseUpdate? Complete()
    {
        if (_completed)
        {
            return null;
        }

        _completed = true;
        var contents = new List<AIContent>();

        // Blocks left open by a connection that closed after the stop reason still count.
        foreach (var index in _blocks.Keys.Order().ToList())
        {
            if (StopBlock(index) is { } pending)
            {
                contents.AddRange(pending.Contents);
            }
        }

        if (_stopReason == "refusal" && AnthropicResponseReader.Refusal(_stopDetails) is { } refusal)
        {
            contents.Add(refusal);
        }

        contents.Add(new UsageContent(AnthropicResponseReader.ToUsage(_usage)));
        var update = NewUpdate(contents);
        update.FinishReason = AnthropicResponseReader.MapFinishReason(_stopReason);
        AnthropicResponseReader.AddFinishDetails(update.AdditionalProperties ??= [], _stopReason, _stopSequence);
        return update;
    }

    private ChatResponseUpdate? StartBlock(int index, AnthropicContentBlockPayload block)
    {
        switch (block.Type)
        {
            case "tool_use":
                _blocks[index] = new BlockBuilder(block.Type, block.Id, block.Name);
                return null;
            case "thinking":
                _blocks[index] = new BlockBuilder(block.Type, null, null);
                return string.IsNullOrEmpty(block.Thinking) ? null : NewUpdate([new TextReasoningContent(block.Thinking)]);
            case "redacted_thinking" or "text" when AnthropicResponseReader.ToContent(block) is { } content:
                return content is TextContent { Text.Length: 0 } ? null : NewUpdate([content]);
            default:
                return null;
        }
    }

    private ChatResponseUpdate? ApplyDelta(int index, AnthropicDeltaPayload delta)
    {
        switch (delta.Type)
        {
            case "text_delta" when !string.IsNullOrEmpty(delta.Text):
                return NewUpdate([new TextContent(delta.Text)]);
            case "thinking_delta" when !string.IsNullOrEmpty(delta.Thinking):
                return NewUpdate([new TextReasoningContent(delta.Thinking)]);
            case "signature_delta" when _blocks.TryGetValue(index, out var thinking):
                thinking.Buffer.Append(delta.Signature);
                return null;
            case "input_json_delta" when _blocks.TryGetValue(index, out var toolUse):
                toolUse.Buffer.Append(delta.PartialJson);
                return null;
            default:
                return null;
        }
    }

    private ChatResponseUpdate? StopBlock(int index)
    {
        if (!_blocks.Remove(index, out var block))
        {
            return null;
        }

        if (block.Type == "tool_use")
        {
            return NewUpdate([ToolCallArguments.ToCallContent(block.Id ?? string.Empty, block.Name ?? string.Empty, block.Buffer.ToString())]);
        }

        // A thinking block ends with its signature, which must travel back with the thinking text.
        return block.Buffer.Length == 0 ? null : NewUpdate([new TextReasoningContent(string.Empty) { ProtectedData = block.Buffer.ToString() }]);
    }

    private void Merge(AnthropicUsagePayload? usage)
    {
        if (usage is null)
        {
            return;
        }

        _usage.InputTokens = usage.InputTokens ?? _usage.InputTokens;
        _usage.CacheCreationInputTokens = usage.CacheCreationInputTokens ?? _usage.CacheCreationInputTokens;
        _usage.CacheReadInputTokens = usage.CacheReadInputTokens ?? _usage.CacheReadInputTokens;
        _usage.OutputTokens = usage.OutputTokens ?? _usage.OutputTokens;
        _usage.OutputTokensDetails = usage.OutputTokensDetails ?? _usage.OutputTokensDetails;
    }

    private ChatResponseUpdate NewUpdate(List<AIContent> contents) => new(ChatRole.Assistant, contents)
    {
        ResponseId = _messageId,
        MessageId = _messageId,
        ModelId = _modelId,
    };

    private sealed class BlockBuilder(string type, string? id, string? name)
    {
        public string Type { get; } = type;

        public string? Id { get; } = id;

        public string? Name { get; } = name;

        public StringBuilder Buffer { get; } = new();
    }
}
