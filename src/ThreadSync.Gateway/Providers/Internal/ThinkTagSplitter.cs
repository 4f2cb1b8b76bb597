using System.Text;

namespace ThreadSync.Gateway.Providers.Internal;

/// <summary>
/// Separates a leading <c>&lt;think&gt;…&lt;/think&gt;</c> section (reasoning models put their thoughts there)
/// from the answer, fed incrementally so it works on streamed deltas split anywhere, even inside a tag.
/// </summary>
internal sealed class ThinkTagSplitter
{
    private const string Open = "<think>";
    private const string Close = "</think>";

    private readonly StringBuilder _pending = new();
    private readonly StringBuilder _reasoning = new();
    private readonly StringBuilder _content = new();
    private State _state = State.Undecided;

    private enum State
    {
        Undecided,
        InThink,
        Content,
    }

    public void Feed(string text)
    {
        if (_state == State.Content)
        {
            _content.Append(text);
            return;
        }

        _pending.Append(text);
        if (_state == State.Undecided)
        {
            var head = _pending.ToString().TrimStart();
            if (head.Length < Open.Length && Open.StartsWith(head, StringComparison.Ordinal))
            {
                return;
            }

            if (!head.StartsWith(Open, StringComparison.Ordinal))
            {
                _state = State.Content;
                _content.Append(_pending);
                _pending.Clear();
                return;
            }

            _state = State.InThink;
            _pending.Clear().Append(head.AsSpan(Open.Length));
        }

        var buffered = _pending.ToString();
        var end = buffered.IndexOf(Close, StringComparison.Ordinal);
        if (end >= 0)
        {
            _reasoning.Append(buffered.AsSpan(0, end));
            _state = State.Content;
            _content.Append(buffered.AsSpan(end + Close.Length).TrimStart());
            _pending.Clear();
            return;
        }

        // Keep a tail that could be the start of "</think>"; the rest is certainly reasoning.
        var keep = Math.Min(Close.Length - 1, buffered.Length);
        _reasoning.Append(buffered.AsSpan(0, buffered.Length - keep));
        _pending.Clear().Append(buffered.AsSpan(buffered.Length - keep));
    }

    /// <summary>Flushes whatever is still held back when the text ends.</summary>
    public void Complete()
    {
        if (_pending.Length == 0)
        {
            return;
        }

        (_state == State.InThink ? _reasoning : _content).Append(_pending);
        _pending.Clear();
    }

    public string TakeReasoning() => Take(_reasoning);

    public string TakeContent() => Take(_content);

    private static string Take(StringBuilder builder)
    {
        var text = builder.ToString();
        builder.Clear();
        return text;
    }
}
