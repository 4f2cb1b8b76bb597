using System.Text;

namespace ThreadSync.Gateway.Storage.Internal;

/// <summary>
/// The text form of a stored response's headers: one <c>name:value</c> line per value, each ending in <c>\n</c>. Names
/// hold no <c>:</c> and neither holds a line break (<see cref="IdempotentResponse"/> checks), so the form is unambiguous.
/// </summary>
internal static class IdempotentHeaderText
{
    public static string Encode(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        if (headers.Count == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        foreach (var (name, value) in headers)
        {
            text.Append(name).Append(':').Append(value).Append('\n');
        }

        return text.ToString();
    }

    public static IReadOnlyList<KeyValuePair<string, string>> Decode(string text)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var line = text.AsSpan(range);
            if (line.IsEmpty)
            {
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw new FormatException("A stored response header line has no name.");
            }

            headers.Add(new(line[..colon].ToString(), line[(colon + 1)..].ToString()));
        }

        return headers;
    }
}
