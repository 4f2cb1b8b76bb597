using System.Text;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Providers.Internal;
using ThreadSync.Gateway.Providers.OpenAICompatible.Wire;

namespace ThreadSync.Gateway.Providers.OpenAICompatible;

/// <summary>
/// Turns a sequence of OpenAI-compatible stream chunks into normalized updates. Tool-call fragments are
/// assembled by index (OpenAI streams them in pieces, xAI whole) and emitted complete with the finish;
/// usage and citations, which some providers repeat on several chunks, are kept last-wins and emitted once
/// at the end.
/// </summary>
internal sealed class OpenAICompatibleStreamState
{
    private readonly OpenAICompatibleDialect _dialect;
    private readonly SortedDictionary<int, ToolCallBuilder> _toolCalls = [];
    private readonly ThinkTagSplitter? _thinkSplitter;
    private ChatCompletionPayload? _lastCitations;
    private UsagePayload? _lastUsage;
    private string? _responseId;
    private string? _modelId;
    private DateTimeOffset? _createdAt;

    public OpenAICompatibleStreamState(OpenAICompatibleDialect dialect)
    {
        _dialect = dialect;
        _thinkSplitter = dialect.StripThinkPrefix ? new ThinkTagSplitter() : null;
    }

    /// <summary>Gets a value indicating whether a finish reason was seen (a clean end can follow without <c>[DONE]</c>).</summary>
    public bool Finished { get; private set; }

    public ChatResponseUpdate? Accept(ChatCompletionPayload chunk)
    {
        ProviderErrorParser.ThrowIfError(_dialect.Provider, chunk.Error, ProviderFailureKind.StreamError);
        _responseId ??= chunk.Id;
        _modelId ??= chunk.Model;
        _createdAt ??= chunk.Created is { } created ? DateTimeOffset.FromUnixTimeSeconds(created) : null;
        if (chunk.Usage is not null)
        {
            _lastUsage = chunk.Usage;
        }

        if (chunk.Citations is { Count: > 0 } || chunk.SearchResults is { Count: > 0 })
        {
            _lastCitations = chunk;
        }

        if (chunk.Choices is not { Count: > 0 } choices)
        {
            return null;
        }

        var choice = choices[0];
        var delta = choice.Delta ?? choice.Message;
        var contents = new List<AIContent>();
        if (!string.IsNullOrEmpty(delta?.ReasoningContent))
        {
            contents.Add(new TextReasoningContent(delta.ReasoningContent));
        }

        if (!string.IsNullOrEmpty(delta?.Content))
        {
            AddText(contents, delta.Content);
        }

        if (!string.IsNullOrEmpty(delta?.Refusal))
        {
            contents.Add(new ErrorContent(delta.Refusal) { ErrorCode = GatewayContentKeys.RefusalErrorCode });
        }

        foreach (var fragment in delta?.ToolCalls ?? [])
        {
            var index = fragment.Index ?? _toolCalls.Count;
            if (!_toolCalls.TryGetValue(index, out var builder))
            {
                builder = new ToolCallBuilder();
                _toolCalls[index] = builder;
            }

            builder.Id ??= fragment.Id;
            builder.Name ??= fragment.Function?.Name;
            builder.Arguments.Append(fragment.Function?.Arguments);
        }

        ChatFinishReason? finishReason = null;
        if (choice.FinishReason is { } raw)
        {
            Finished = true;
            finishReason = OpenAICompatibleResponseReader.MapFinishReason(raw, _toolCalls.Count > 0);
            FlushThink(contents);
            AddToolCalls(contents);
        }

        if (contents.Count == 0 && finishReason is null && delta?.Role is null)
        {
            return null;
        }

        var update = NewUpdate(contents);
        update.FinishReason = finishReason;
        if (choice.FinishReason is { } rawReason)
        {
            (update.AdditionalProperties ??= [])[GatewayContentKeys.FinishReasonRaw] = rawReason;
        }

        return update;
    }

    /// <summary>Produces the closing update: any unflushed tool calls, citations and the final usage.</summary>
    public ChatResponseUpdate? Complete()
    {
        var contents = new List<AIContent>();
        FlushThink(contents);
        AddToolCalls(contents);
        if (_lastCitations is not null)
        {
            var holder = new TextContent(string.Empty);
            OpenAICompatibleResponseReader.AddCitations(holder, _lastCitations);
            contents.Add(holder);
        }

        if (_lastUsage is not null)
        {
            contents.Add(new UsageContent(OpenAICompatibleResponseReader.ToUsage(_lastUsage, _dialect)));
        }

        return contents.Count == 0 ? null : NewUpdate(contents);
    }

    private void AddText(List<AIContent> contents, string text)
    {
        if (_thinkSplitter is null)
        {
            contents.Add(new TextContent(text));
            return;
        }

        _thinkSplitter.Feed(text);
        AddSplit(contents);
    }

    private void FlushThink(List<AIContent> contents)
    {
        if (_thinkSplitter is null)
        {
            return;
        }

        _thinkSplitter.Complete();
        AddSplit(contents);
    }

    private void AddSplit(List<AIContent> contents)
    {
        if (_thinkSplitter!.TakeReasoning() is { Length: > 0 } reasoning)
        {
            contents.Add(new TextReasoningContent(reasoning));
        }

        if (_thinkSplitter.TakeContent() is { Length: > 0 } content)
        {
            contents.Add(new TextContent(content));
        }
    }

    private void AddToolCalls(List<AIContent> contents)
    {
        foreach (var builder in _toolCalls.Values)
        {
            contents.Add(ToolCallArguments.ToCallContent(builder.Id ?? string.Empty, builder.Name ?? string.Empty, builder.Arguments.ToString()));
        }

        _toolCalls.Clear();
    }

    private ChatResponseUpdate NewUpdate(List<AIContent> contents) => new(ChatRole.Assistant, contents)
    {
        ResponseId = _responseId,
        MessageId = _responseId,
        ModelId = _modelId,
        CreatedAt = _createdAt,
    };

    private sealed class ToolCallBuilder
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();
    }
}
