namespace ThreadSync.Gateway.Governance;

/// <summary>Case-insensitive glob matching where <c>*</c> matches any run of characters (and nothing else is special).</summary>
internal static class Wildcard
{
    public static bool Matches(string pattern, string value) => Matches(pattern.AsSpan(), value.AsSpan());

    private static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> value)
    {
        // Greedy with backtracking to the last star: linear for the short patterns allowlists hold.
        int p = 0, v = 0, star = -1, mark = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = v;
            }
            else if (p < pattern.Length && char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(value[v]))
            {
                p++;
                v++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
