using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>
/// Finds whole-word keywords of several categories in one vectorized pass and scores each category.
/// Case-insensitive, thread-safe, and allocation-free once built.
/// </summary>
/// <remarks>
/// <para>Keywords match only as words, so the scan visits word starts only. Each SIMD step (32, 16 or 8 characters,
/// as the hardware allows) marks the word starts (an ASCII letter, digit or <c>_</c> after anything else) and hashes
/// every lane's first four case-folded characters to 16 bits. An 8 KB bit filter, set for every way a keyword (or a
/// year) can begin, lets about 4% of other words through. Those are checked exactly: a 32 KB table gives the group of
/// keywords sharing the first three folded characters, the fourth character and the first eight narrow it further, and
/// only then is the keyword compared. About 1 µs per 2 KB of prose on the project's 2-core Xeon.</para>
/// <para>Why not <see cref="System.Buffers.SearchValues{T}"/> of strings: with this many keywords it falls back to
/// Aho-Corasick, measured at about 14 µs per 2 KB on the project's 2-core Xeon, and even eight case-insensitive
/// keywords (Teddy) took about 1 µs; the word-start filter does all ~200 in one pass.</para>
/// <para>A match must stand as a word: the character after it must not be a letter or digit unless the keyword is a
/// prefix (written with a trailing <c>*</c>, as in <c>compil*</c>). So <c>prove</c> does not fire inside
/// <c>improve</c>, nor <c>quick</c> inside <c>quicksort</c>. Keywords must start with an ASCII letter or digit; the
/// code fence <c>```</c> is found separately.</para>
/// </remarks>
internal sealed class KeywordMatcher
{
    private const string CodeFence = "```";
    private const int CodeFenceWeight = 3;
    private const int KeyBits = 5;

    private readonly byte[] _groupOfKey = new byte[1 << (3 * KeyBits)];
    private readonly Keyword[][] _groups;
    private readonly uint[] _fourthCharsOfGroup;
    private readonly ulong[] _filterBits = new ulong[(1 << 16) / 64];

    public KeywordMatcher(IEnumerable<(string Keyword, RequestSignals Category, int Weight)> keywords)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        var groups = new List<List<Keyword>> { new() };
        foreach (var (text, category, weight) in keywords)
        {
            var prefix = text.EndsWith('*');
            var value = prefix ? text[..^1] : text;
            if (value.Length == 0 || !IsAsciiWordChar(value[0]))
            {
                throw new ArgumentException($"Keyword '{text}' must start with an ASCII letter, digit or '_'.", nameof(keywords));
            }

            var keyword = new Keyword(value, category, weight, CheckEnd: !prefix && IsWordChar(value[^1]));
            foreach (var key in KeysOf(value))
            {
                if (_groupOfKey[key] == 0)
                {
                    if (groups.Count > byte.MaxValue)
                    {
                        throw new ArgumentException("Too many keyword groups.", nameof(keywords));
                    }

                    _groupOfKey[key] = (byte)groups.Count;
                    groups.Add([]);
                }

                var group = groups[_groupOfKey[key]];
                if (!group.Contains(keyword))
                {
                    group.Add(keyword);
                }
            }
        }

        // Longest first, so one category scores once per word start ("step by step" over a shorter overlap).
        _groups = groups.Select(g => g.OrderByDescending(k => k.Text.Length).ToArray()).ToArray();

        // A second filter on the folded fourth character keeps common words ("the", "for", "in") that share a
        // keyword's first three characters from reaching the comparisons. Shorter keywords allow any fourth character.
        _fourthCharsOfGroup = _groups.Select(g => g.Aggregate(0u, (mask, k) => mask | (k.Text.Length > 3 ? 1u << Fold(k.Text[3]) : uint.MaxValue))).ToArray();

        // The filter: one bit per 16-bit hash of a word start's first four folded characters, set for every
        // combination a keyword (or a year, "20..") can start with: 8 KB; about 4% of other words pass, to be
        // turned away by the exact fourth-character check.
        for (var key = 0; key < _groupOfKey.Length; key++)
        {
            var fourths = key >> KeyBits == KeyOf(Fold('2'), Fold('0'), 0) >> KeyBits ? uint.MaxValue : _fourthCharsOfGroup[_groupOfKey[key]];
            for (var fourth = 0; fourth < 1 << KeyBits; fourth++)
            {
                if (((fourths >> fourth) & 1) != 0)
                {
                    var hash = FilterHash(key, fourth);
                    _filterBits[hash >> 6] |= 1UL << hash;
                }
            }
        }
    }

    /// <summary>
    /// Scans <paramref name="text"/>, adding the weights of the keywords found in <paramref name="categories"/> to
    /// <paramref name="scores"/>; a code fence counts 3 towards code. When <paramref name="maxYear"/> is positive, a
    /// standalone year from <paramref name="minYear"/> to <paramref name="maxYear"/> counts 1 towards search (once).
    /// </summary>
    public void Scan(ReadOnlySpan<char> text, RequestSignals categories, ref SignalScores scores, int minYear = 0, int maxYear = 0)
    {
        var state = new ScanState(categories, minYear, maxYear);
        ref var first = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        Span<ushort> buffer = stackalloc ushort[Vector512<ushort>.Count];
        ref var hashes = ref MemoryMarshal.GetReference(buffer);

        // Each step computes the word starts and every lane's filter hash in SIMD; the scalar loop then only tests
        // the start lanes' hashes against the filter. The vector loops stop three characters early, so a word start
        // always has three characters after it to read.
        var i = 0;
        ulong previousIsWord = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= text.Length - Vector512<ushort>.Count - 3; i += Vector512<ushort>.Count)
            {
                var chars = Vector512.LoadUnsafe(ref first, (nuint)i);
                var words = (Vector512.LessThan((chars | Vector512.Create((ushort)0x20)) - Vector512.Create((ushort)'a'), Vector512.Create((ushort)26))
                    | Vector512.LessThan(chars - Vector512.Create((ushort)'0'), Vector512.Create((ushort)10))
                    | Vector512.Equals(chars, Vector512.Create((ushort)'_'))).ExtractMostSignificantBits();
                var starts = words & ~((words << 1) | previousIsWord);
                previousIsWord = words >> (Vector512<ushort>.Count - 1);
                if (starts != 0)
                {
                    var key = (Fold(chars) << (2 * KeyBits)) | (Fold(Vector512.LoadUnsafe(ref first, (nuint)(i + 1))) << KeyBits) | Fold(Vector512.LoadUnsafe(ref first, (nuint)(i + 2)));
                    ((key << KeyBits) ^ (key >> (16 - KeyBits)) ^ Fold(Vector512.LoadUnsafe(ref first, (nuint)(i + 3)))).StoreUnsafe(ref hashes);
                    VisitStarts(text, i, starts, ref hashes, ref state, ref scores);
                }

                if (Vector512.EqualsAny(chars, Vector512.Create((ushort)'`')))
                {
                    CheckFences(text, i, Vector512.Equals(chars, Vector512.Create((ushort)'`')).ExtractMostSignificantBits(), ref state, ref scores);
                }
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= text.Length - Vector256<ushort>.Count - 3; i += Vector256<ushort>.Count)
            {
                var chars = Vector256.LoadUnsafe(ref first, (nuint)i);
                var words = (ulong)(Vector256.LessThan((chars | Vector256.Create((ushort)0x20)) - Vector256.Create((ushort)'a'), Vector256.Create((ushort)26))
                    | Vector256.LessThan(chars - Vector256.Create((ushort)'0'), Vector256.Create((ushort)10))
                    | Vector256.Equals(chars, Vector256.Create((ushort)'_'))).ExtractMostSignificantBits();
                var starts = words & ~((words << 1) | previousIsWord);
                previousIsWord = words >> (Vector256<ushort>.Count - 1);
                if (starts != 0)
                {
                    var key = (Fold(chars) << (2 * KeyBits)) | (Fold(Vector256.LoadUnsafe(ref first, (nuint)(i + 1))) << KeyBits) | Fold(Vector256.LoadUnsafe(ref first, (nuint)(i + 2)));
                    ((key << KeyBits) ^ (key >> (16 - KeyBits)) ^ Fold(Vector256.LoadUnsafe(ref first, (nuint)(i + 3)))).StoreUnsafe(ref hashes);
                    VisitStarts(text, i, starts, ref hashes, ref state, ref scores);
                }

                if (Vector256.EqualsAny(chars, Vector256.Create((ushort)'`')))
                {
                    CheckFences(text, i, Vector256.Equals(chars, Vector256.Create((ushort)'`')).ExtractMostSignificantBits(), ref state, ref scores);
                }
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= text.Length - Vector128<ushort>.Count - 3; i += Vector128<ushort>.Count)
            {
                var chars = Vector128.LoadUnsafe(ref first, (nuint)i);
                var words = (ulong)(Vector128.LessThan((chars | Vector128.Create((ushort)0x20)) - Vector128.Create((ushort)'a'), Vector128.Create((ushort)26))
                    | Vector128.LessThan(chars - Vector128.Create((ushort)'0'), Vector128.Create((ushort)10))
                    | Vector128.Equals(chars, Vector128.Create((ushort)'_'))).ExtractMostSignificantBits();
                var starts = words & ~((words << 1) | previousIsWord);
                previousIsWord = words >> (Vector128<ushort>.Count - 1);
                if (starts != 0)
                {
                    var key = (Fold(chars) << (2 * KeyBits)) | (Fold(Vector128.LoadUnsafe(ref first, (nuint)(i + 1))) << KeyBits) | Fold(Vector128.LoadUnsafe(ref first, (nuint)(i + 2)));
                    ((key << KeyBits) ^ (key >> (16 - KeyBits)) ^ Fold(Vector128.LoadUnsafe(ref first, (nuint)(i + 3)))).StoreUnsafe(ref hashes);
                    VisitStarts(text, i, starts, ref hashes, ref state, ref scores);
                }

                if (Vector128.EqualsAny(chars, Vector128.Create((ushort)'`')))
                {
                    CheckFences(text, i, Vector128.Equals(chars, Vector128.Create((ushort)'`')).ExtractMostSignificantBits(), ref state, ref scores);
                }
            }
        }

        for (; i < text.Length; i++)
        {
            var c = text[i];
            var isWord = IsAsciiWordChar(c);
            if (isWord && previousIsWord == 0)
            {
                VisitWord(text, i, ref state, ref scores);
            }
            else if (c == '`' && !state.FenceFound)
            {
                CheckFence(text, i, ref state, ref scores);
            }

            previousIsWord = isWord ? 1u : 0u;
        }
    }

    private static bool IsAsciiWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static bool IsWordChar(char c) => IsAsciiWordChar(c) || (c > 127 && char.IsLetterOrDigit(c));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Fold(char c) => (c | 0x20) & ((1 << KeyBits) - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int KeyOf(int a, int b, int c) => (a << (2 * KeyBits)) | (b << KeyBits) | c;

    /// <summary>The filter hash of a 15-bit key and a folded fourth character, as the SIMD loops compute it in 16-bit lanes.</summary>
    private static int FilterHash(int key, int fourth) => (ushort)((key << KeyBits) ^ (key >> (16 - KeyBits)) ^ fourth);

    private static IEnumerable<int> KeysOf(string keyword)
    {
        // Words shorter than three characters match whatever follows them: every value of the missing slots.
        var slots = Enumerable.Range(0, 1 << KeyBits).ToArray();
        var a = Fold(keyword[0]);
        foreach (var b in keyword.Length > 1 ? [Fold(keyword[1])] : slots)
        {
            foreach (var c in keyword.Length > 2 ? [Fold(keyword[2])] : slots)
            {
                yield return KeyOf(a, b, c);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ushort> Fold(Vector512<ushort> chars) => (chars | Vector512.Create((ushort)0x20)) & Vector512.Create((ushort)((1 << KeyBits) - 1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> Fold(Vector256<ushort> chars) => (chars | Vector256.Create((ushort)0x20)) & Vector256.Create((ushort)((1 << KeyBits) - 1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ushort> Fold(Vector128<ushort> chars) => (chars | Vector128.Create((ushort)0x20)) & Vector128.Create((ushort)((1 << KeyBits) - 1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void VisitStarts(ReadOnlySpan<char> text, int offset, ulong starts, ref ushort hashes, ref ScanState state, ref SignalScores scores)
    {
        ref var bits = ref MemoryMarshal.GetArrayDataReference(_filterBits);
        do
        {
            var lane = BitOperations.TrailingZeroCount(starts);
            starts &= starts - 1;
            int hash = Unsafe.Add(ref hashes, lane);
            if (((Unsafe.Add(ref bits, hash >> 6) >> hash) & 1) != 0)
            {
                VisitWord(text, offset + lane, ref state, ref scores);
            }
        }
        while (starts != 0);
    }

    private void VisitWord(ReadOnlySpan<char> text, int position, ref ScanState state, ref SignalScores scores)
    {
        var c1 = position + 1 < text.Length ? text[position + 1] : ' ';
        var c2 = position + 2 < text.Length ? text[position + 2] : ' ';
        var group = _groupOfKey[KeyOf(Fold(text[position]), Fold(c1), Fold(c2))];
        var fourth = position + 3 < text.Length ? Fold(text[position + 3]) : 0;
        if (((_fourthCharsOfGroup[group] >> fourth) & 1) != 0)
        {
            MatchGroup(text, position, fourth, _groups[group], state.Categories, ref scores);
        }

        if (text[position] == '2' && c1 == '0' && !state.YearFound && state.MaxYear > 0
            && IsYearAt(text, position, state.MinYear, state.MaxYear))
        {
            state.YearFound = true;
            scores.Add(RequestSignals.Search, 1);
        }
    }

    private static void CheckFences(ReadOnlySpan<char> text, int offset, ulong backticks, ref ScanState state, ref SignalScores scores)
    {
        while (backticks != 0 && !state.FenceFound)
        {
            CheckFence(text, offset + BitOperations.TrailingZeroCount(backticks), ref state, ref scores);
            backticks &= backticks - 1;
        }
    }

    private static void CheckFence(ReadOnlySpan<char> text, int position, ref ScanState state, ref SignalScores scores)
    {
        // One fence per scan is enough evidence.
        if (!state.FenceFound && (state.Categories & RequestSignals.Code) != 0 && text[position..].StartsWith(CodeFence, StringComparison.Ordinal))
        {
            state.FenceFound = true;
            scores.Add(RequestSignals.Code, CodeFenceWeight);
        }
    }

    private static bool IsYearAt(ReadOnlySpan<char> text, int position, int minYear, int maxYear)
    {
        if (position + 4 > text.Length
            || !char.IsAsciiDigit(text[position + 2])
            || !char.IsAsciiDigit(text[position + 3])
            || (position + 4 < text.Length && IsWordChar(text[position + 4])))
        {
            return false;
        }

        var year = 2000 + ((text[position + 2] - '0') * 10) + (text[position + 3] - '0');
        return year >= minYear && year <= maxYear;
    }

    private static void MatchGroup(ReadOnlySpan<char> text, int position, int fourth, Keyword[] group, RequestSignals categories, ref SignalScores scores)
    {
        // The SIMD pass only sees ASCII: a non-ASCII letter before the word means it is not a word start after all.
        if (position > 0 && text[position - 1] > 127 && IsWordChar(text[position - 1]))
        {
            return;
        }

        var rest = text[position..];
        var seen = RequestSignals.None;

        // The first eight characters, lower-cased (punctuation is unchanged by the 0x20 bit), as a cheap pre-check.
        var head = rest.Length >= 8 ? MemoryMarshal.Read<Vector128<ushort>>(MemoryMarshal.AsBytes(rest)) | Vector128.Create((ushort)0x20) : default;
        foreach (var keyword in group)
        {
            if ((keyword.Category & categories) == 0
                || (seen & keyword.Category) != 0
                || (keyword.Fourth >= 0 && keyword.Fourth != fourth)
                || keyword.Text.Length > rest.Length
                || (rest.Length >= 8 && (head & keyword.HeadMask) != keyword.Head)
                || !rest.StartsWith(keyword.Text, StringComparison.OrdinalIgnoreCase)
                || (keyword.CheckEnd && keyword.Text.Length < rest.Length && IsWordChar(rest[keyword.Text.Length])))
            {
                continue;
            }

            seen |= keyword.Category;
            scores.Add(keyword.Category, keyword.Weight);
        }
    }

    [StructLayout(LayoutKind.Auto)]
    private struct ScanState(RequestSignals categories, int minYear, int maxYear)
    {
        public readonly RequestSignals Categories = categories;
        public readonly int MinYear = minYear;
        public readonly int MaxYear = maxYear;
        public bool YearFound;
        public bool FenceFound;
    }

    private sealed record Keyword(string Text, RequestSignals Category, int Weight, bool CheckEnd)
    {
        /// <summary>Gets the folded fourth character, or -1 for keywords of three characters or fewer.</summary>
        public int Fourth { get; } = Text.Length > 3 ? Fold(Text[3]) : -1;

        /// <summary>Gets the first eight characters with the 0x20 bit set, zero past the end.</summary>
        public Vector128<ushort> Head { get; } = Vector128.Create([.. Enumerable.Range(0, 8).Select(i => i < Text.Length ? (ushort)(Text[i] | 0x20) : (ushort)0)]);

        /// <summary>Gets the mask of the characters <see cref="Head"/> holds.</summary>
        public Vector128<ushort> HeadMask { get; } = Vector128.Create([.. Enumerable.Range(0, 8).Select(i => i < Text.Length ? ushort.MaxValue : (ushort)0)]);
    }
}
