using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway.Usage;

/// <summary>
/// Follows a streamed response so that it can be billed however it ends: normally, failed or cancelled.
/// </summary>
/// <remarks>
/// <para>
/// It keeps the usage the provider reported (<see cref="UsageContent"/>; when several arrive, as with a provider
/// that reports input early and output at the end, each count is the last one reported) and counts the characters
/// produced (text, reasoning, tool-call arguments) without keeping them. <see cref="GetUsage"/> then gives the usage
/// to bill: the provider's counts where reported, else estimates (<see cref="TokenEstimator"/>: output from the
/// characters produced, input from the request messages), marked estimated.
/// </para>
/// <para>
/// One accumulator belongs to one stream and is not thread-safe. It keeps a reference to the request messages and
/// reads them only when input must be estimated, so they must still be enumerable then (as lists always are).
/// </para>
/// </remarks>
internal sealed class StreamUsageAccumulator
{
    private readonly IEnumerable<ChatMessage> _messages;
    private readonly ChatOptions? _options;
    private long? _input;
    private long? _output;
    private long? _cached;
    private long? _reasoning;
    private AdditionalPropertiesDictionary<long>? _additional;
    private long _outputChars;
    private long _reasoningChars;

    /// <summary>Initializes a new instance of the <see cref="StreamUsageAccumulator"/> class.</summary>
    /// <param name="messages">The request messages (read only if the input must be estimated).</param>
    /// <param name="options">The request options (instructions and tools count as input).</param>
    public StreamUsageAccumulator(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        _messages = messages;
        _options = options;
    }

    /// <summary>Gets a value indicating whether the provider reported both input and output counts.</summary>
    public bool HasReportedUsage => _input is not null && _output is not null;

    /// <summary>Gets the characters of output seen so far (text, reasoning and tool calls).</summary>
    public long OutputCharacters => _outputChars;

    /// <summary>Observes one update of the stream.</summary>
    /// <param name="update">The update.</param>
    public void Observe(ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case UsageContent usage:
                    Merge(usage.Details);
                    break;
                case TextReasoningContent reasoning:
                    _reasoningChars += reasoning.Text.Length;
                    _outputChars += reasoning.Text.Length;
                    break;
                case var content:
                    _outputChars += TokenEstimator.OutputChars(content);
                    break;
            }
        }
    }

    /// <summary>Gets the usage to bill for what was observed so far; call it when the stream ends, however it ends.</summary>
    /// <returns>The provider's usage when it reported input and output; otherwise that usage completed with estimates, marked estimated.</returns>
    public StreamUsage GetUsage()
    {
        var input = _input ?? TokenEstimator.EstimateInput(_messages, _options);
        var output = _output ?? TokenEstimator.FromChars(_outputChars);
        var reasoning = _reasoning ?? (_output is null && _reasoningChars > 0 ? TokenEstimator.FromChars(_reasoningChars) : null);
        var details = new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = output,
            TotalTokenCount = input + output,
            CachedInputTokenCount = _cached,
            ReasoningTokenCount = reasoning,
            AdditionalCounts = _additional is null ? null : new AdditionalPropertiesDictionary<long>(_additional),
        };
        return new StreamUsage(details, IsEstimated: !HasReportedUsage);
    }

    private void Merge(UsageDetails details)
    {
        _input = details.InputTokenCount ?? _input;
        _output = details.OutputTokenCount ?? _output;
        _cached = details.CachedInputTokenCount ?? _cached;
        _reasoning = details.ReasoningTokenCount ?? _reasoning;
        if (details.AdditionalCounts is { Count: > 0 } counts)
        {
            _additional ??= [];
            foreach (var (key, value) in counts)
            {
                _additional[key] = value;
            }
        }
    }
}
