using System.Buffers;

namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>
/// Finds whole-word keywords of several categories in one vectorized, case-insensitive pass
/// (<see cref="SearchValues{T}"/> of strings) and scores each category. Thread-safe and allocation-free once built.
/// </summary>
/// <remarks>
/// <see cref="SearchValues{T}"/> finds where some keyword starts; the matcher then checks which keywords match there
/// and whether they stand as words: the character before must not be a letter or digit, nor the one after unless the
/// keyword is a prefix (written with a trailing <c>*</c>, as in <c>compil*</c>). So <c>prove</c> does not fire inside
/// <c>improve</c>, nor <c>quick</c> inside <c>quicksort</c>. Keywords starting or ending with punctuation
/// (<c>```</c>, <c>c#</c>) skip the check on that side.
/// </remarks>
internal sealed class KeywordMatcher
{
    private readonly SearchValues<string> _starts;
    private readonly Keyword[][] _byFirstChar;

    public KeywordMatcher(IEnumerable<(string Keyword, RequestSignals Category, int Weight)> keywords)
    {
        var all = new List<Keyword>();
        foreach (var (text, category, weight) in keywords)
        {
            var prefix = text.EndsWith('*');
            var value = prefix ? text[..^1] : text;
            if (value.Length == 0 || !char.IsAscii(value[0]))
            {
                throw new ArgumentException($"Keyword '{text}' must start with an ASCII character.", nameof(keywords));
            }

            all.Add(new Keyword(value, category, weight, CheckStart: IsWordChar(value[0]), CheckEnd: !prefix && IsWordChar(value[^1])));
        }

        _starts = SearchValues.Create(all.Select(k => k.Text).Distinct(StringComparer.OrdinalIgnoreCase).ToArray(), StringComparison.OrdinalIgnoreCase);
        _byFirstChar = new Keyword[128][];
        for (var c = 0; c < 128; c++)
        {
            var first = char.ToLowerInvariant((char)c);
            _byFirstChar[c] = all.Where(k => char.ToLowerInvariant(k.Text[0]) == first).OrderByDescending(k => k.Text.Length).ToArray();
        }
    }

    /// <summary>Scans <paramref name="text"/> and adds the weights of the keywords found in <paramref name="categories"/> to <paramref name="scores"/>.</summary>
    public void Scan(ReadOnlySpan<char> text, RequestSignals categories, ref SignalScores scores)
    {
        var offset = 0;
        while (offset < text.Length)
        {
            var found = text[offset..].IndexOfAny(_starts);
            if (found < 0)
            {
                return;
            }

            var position = offset + found;
            offset = position + Math.Max(1, MatchAt(text, position, categories, ref scores));
        }
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || (c > 127 && char.IsLetterOrDigit(c));

    private int MatchAt(ReadOnlySpan<char> text, int position, RequestSignals categories, ref SignalScores scores)
    {
        var first = text[position];
        if (first >= 128)
        {
            return 0;
        }

        var rest = text[position..];
        var matched = 0;
        var seen = RequestSignals.None;
        foreach (var keyword in _byFirstChar[first])
        {
            // Longest keywords first: one category scores once per position ("step by step" and "step-by-step" alike).
            if ((keyword.Category & categories) == 0
                || (seen & keyword.Category) != 0
                || !rest.StartsWith(keyword.Text, StringComparison.OrdinalIgnoreCase)
                || (keyword.CheckStart && position > 0 && IsWordChar(text[position - 1]))
                || (keyword.CheckEnd && keyword.Text.Length < rest.Length && IsWordChar(rest[keyword.Text.Length])))
            {
                continue;
            }

            seen |= keyword.Category;
            scores.Add(keyword.Category, keyword.Weight);
            matched = Math.Max(matched, keyword.Text.Length);
        }

        return matched;
    }

    private sealed record Keyword(string Text, RequestSignals Category, int Weight, bool CheckStart, bool CheckEnd);
}
