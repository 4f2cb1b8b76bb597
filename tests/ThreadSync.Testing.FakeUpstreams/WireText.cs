using System.Text;
using System.Text.Json;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>Word counting, chunk splitting and message-text extraction shared by the dialects.</summary>
internal static class WireText
{
    /// <summary>Counts whitespace-separated words.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The word count.</returns>
    public static int CountWords(ReadOnlySpan<char> text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                inWord = false;
            }
            else if (!inWord)
            {
                inWord = true;
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// Returns the end of the streaming chunk that starts at <paramref name="start"/>: one word plus the whitespace
    /// around it, so that concatenating all chunks gives back the text exactly.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="start">The chunk start.</param>
    /// <returns>The exclusive chunk end.</returns>
    public static int NextChunkEnd(string text, int start)
    {
        var i = start;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        while (i < text.Length && !char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>How many fragments a tool-call argument string is streamed in (OpenAI style): at least two when possible.</summary>
    /// <param name="length">The argument string length.</param>
    /// <returns>The fragment count.</returns>
    public static int FragmentCount(int length) => length <= 1 ? length : Math.Min(length, Math.Max(2, (length + 15) / 16));

    /// <summary>The start of fragment <paramref name="index"/>; never splits a surrogate pair.</summary>
    /// <param name="text">The string being split.</param>
    /// <param name="index">The fragment index (0..count).</param>
    /// <param name="count">The fragment count.</param>
    /// <returns>The fragment start offset.</returns>
    public static int FragmentStart(string text, int index, int count)
    {
        if (index >= count)
        {
            return text.Length;
        }

        var offset = (int)((long)text.Length * index / count);
        if (offset > 0 && offset < text.Length && char.IsLowSurrogate(text[offset]))
        {
            offset++;
        }

        return offset;
    }

    /// <summary>
    /// Cut points that split <paramref name="text"/> into <see cref="FragmentCount"/> fragments, each cut moved (within its
    /// neighbours) to a spot with a letter or digit on both sides, so JSON is split in the middle of a token (a key, a string
    /// value, a number or a literal) whenever the text allows it. Never splits a surrogate pair.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The cut offsets: first 0, last <c>text.Length</c>, strictly increasing.</returns>
    public static int[] MidTokenCuts(string text)
    {
        var count = FragmentCount(text.Length);
        var cuts = new int[count + 1];
        cuts[count] = text.Length;
        for (var i = 1; i < count; i++)
        {
            var min = cuts[i - 1] + 1;
            var max = FragmentStart(text, i + 1, count) - 1;
            var start = Math.Max(FragmentStart(text, i, count), min);
            var cut = start;
            var found = false;
            for (var p = start; p <= max && !found; p++)
            {
                if (IsMidToken(text, p))
                {
                    cut = p;
                    found = true;
                }
            }

            for (var p = start - 1; p >= min && !found; p--)
            {
                if (IsMidToken(text, p))
                {
                    cut = p;
                    found = true;
                }
            }

            cuts[i] = cut;
        }

        return cuts;
    }

    /// <summary>
    /// Reads the text of a chat message: its <c>content</c> string, or its <c>text</c> parts concatenated.
    /// Counts the words into <paramref name="words"/>. Returns null when the message has no text.
    /// </summary>
    /// <param name="message">The message object.</param>
    /// <param name="words">Receives the word count of the message text.</param>
    /// <returns>The text, or null.</returns>
    public static string? MessageText(JsonElement message, out int words)
    {
        words = 0;
        if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("content", out var content))
        {
            return null;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            var text = content.GetString()!;
            words = CountWords(text);
            return text;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        string? single = null;
        StringBuilder? builder = null;
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object
                || !part.TryGetProperty("type", out var type)
                || !type.ValueEquals("text")
                || !part.TryGetProperty("text", out var textElement)
                || textElement.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            var piece = textElement.GetString()!;
            words += CountWords(piece);
            if (single is null && builder is null)
            {
                single = piece;
            }
            else
            {
                builder ??= new StringBuilder(single);
                builder.Append(piece);
            }
        }

        return builder?.ToString() ?? single;
    }

    private static bool IsMidToken(string text, int offset) =>
        offset > 0 && offset < text.Length && char.IsLetterOrDigit(text[offset - 1]) && char.IsLetterOrDigit(text[offset]);
}
