using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>
/// Finds whole-word keywords of several categories in one vectorized pass and scores each category.
/// ASCII case-insensitive, thread-safe, and allocation-free once built.
/// </summary>
/// <remarks>
/// <para>Keywords match only as words, so the scan visits word starts only. On AVX-512 machines with GFNI and VBMI
/// (Ice Lake, Zen 4 and later) each step narrows 64 characters to bytes, marks the word starts and asks
/// <see cref="KeywordPrefixFilter"/> which of them could begin a keyword, all in SIMD; about one word in twenty reaches
/// the exact check. Elsewhere each SIMD step (32, 16 or 8 characters) marks the word starts and hashes every lane's
/// first four case-folded characters to 16 bits; an 8 KB bit filter, set for every way a keyword (or a year) can begin,
/// lets about 4% of other words through. The exact check: a 32 KB table gives the group of keywords sharing the first
/// three folded characters, the fourth character narrows it, and each keyword's first 16 characters are compared in
/// one vector operation. About 0.4 µs per 2 KB of prose on the project's 2-core Xeon (the AVX-512 path), plus about
/// 10 ns per word that passes the filter.</para>
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
    private const int WideBlock = 64;

    // Indexes for vpermt2b over (the 64 characters, the 64 starting three later): each lane's next and second-next character.
    // 1 for the ASCII word characters (letters, digits, '_'), by character code: the two halves of a vpermi2b table.
    private static readonly Vector512<byte> WordCharsLow = Vector512.Create([.. Enumerable.Range(0, 64).Select(c => (byte)(IsAsciiWordChar((char)c) ? 1 : 0))]);
    private static readonly Vector512<byte> WordCharsHigh = Vector512.Create([.. Enumerable.Range(64, 64).Select(c => (byte)(IsAsciiWordChar((char)c) ? 1 : 0))]);

    private static readonly Vector512<byte> AheadOne = Vector512.Create([.. Enumerable.Range(1, 64).Select(k => (byte)(k < 64 ? k : 64 + 61))]);
    private static readonly Vector512<byte> AheadTwo = Vector512.Create([.. Enumerable.Range(2, 64).Select(k => (byte)(k < 64 ? k : 64 + k - 3))]);

    private readonly byte[] _groupOfKey = new byte[1 << (3 * KeyBits)];
    private readonly Keyword[] _keywords;
    private readonly int[] _groupStarts;
    private readonly uint[] _fourthCharsOfGroup;
    private readonly ulong[] _filterBits;
    private readonly KeywordPrefixFilter? _prefixFilter;

    /// <summary>Initializes a new instance of the <see cref="KeywordMatcher"/> class.</summary>
    /// <param name="keywords">The keywords (ASCII, starting with a letter, digit or '_'; a trailing '*' makes a prefix), their categories and weights.</param>
    /// <param name="useWideScan">Whether to use the AVX-512 scan where the machine has it; off only to test the other path on such machines.</param>
    public KeywordMatcher(IEnumerable<(string Keyword, RequestSignals Category, int Weight)> keywords, bool useWideScan = true)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        var groups = new List<List<Keyword>> { new() };
        var texts = new List<string>();
        foreach (var (text, category, weight) in keywords)
        {
            var prefix = text.EndsWith('*');
            var value = prefix ? text[..^1] : text;
            if (value.Length == 0 || !IsAsciiWordChar(value[0]))
            {
                throw new ArgumentException($"Keyword '{text}' must start with an ASCII letter, digit or '_'.", nameof(keywords));
            }

            if (!Ascii.IsValid(value))
            {
                throw new ArgumentException($"Keyword '{text}' must be ASCII.", nameof(keywords));
            }

            texts.Add(value);
            var keyword = new Keyword(value, category, weight, checkEnd: !prefix && IsWordChar(value[^1]));
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
                if (!group.Exists(k => k.Text == keyword.Text && k.Category == keyword.Category))
                {
                    group.Add(keyword);
                }
            }
        }

        _prefixFilter = useWideScan && KeywordPrefixFilter.IsSupported ? new KeywordPrefixFilter(texts) : null;

        // Longest first, so one category scores once per word start ("step by step" over a shorter overlap).
        var ordered = groups.Select(g => g.OrderByDescending(k => k.Text.Length).ToArray()).ToArray();
        _keywords = [.. ordered.SelectMany(g => g)];
        _groupStarts = new int[ordered.Length + 1];
        for (var g = 0; g < ordered.Length; g++)
        {
            _groupStarts[g + 1] = _groupStarts[g] + ordered[g].Length;
        }

        // A second filter on the folded fourth character keeps common words ("the", "for", "in") that share a
        // keyword's first three characters from reaching the comparisons. Shorter keywords allow any fourth character.
        _fourthCharsOfGroup = ordered.Select(g => g.Aggregate(0u, (mask, k) => mask | (k.Text.Length > 3 ? 1u << Fold(k.Text[3]) : uint.MaxValue))).ToArray();

        // The 16-bit-lane path's filter (the AVX-512 path has its own): one bit per 16-bit hash of a word start's first
        // four folded characters, set for every combination a keyword (or a year, "20..") can start with: 8 KB; about
        // 4% of other words pass, to be turned away by the exact fourth-character check.
        _filterBits = new ulong[_prefixFilter is null ? (1 << 16) / 64 : 0];
        for (var key = 0; key < _groupOfKey.Length && _prefixFilter is null; key++)
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
        if (_prefixFilter is { } filter)
        {
            ScanWide(text, filter, ref state, ref scores);
            return;
        }

        // Each step computes the word starts and every lane's filter hash in SIMD; the scalar loop then only tests
        // the start lanes' hashes against the filter. The vector loops stop three characters early, so a word start
        // always has three characters after it to read.
        ref var first = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        Span<ushort> buffer = stackalloc ushort[Vector256<ushort>.Count];
        ref var hashes = ref MemoryMarshal.GetReference(buffer);
        var i = 0;
        ulong previousIsWord = 0;
        if (Vector256.IsHardwareAccelerated)
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
        if (Vector128.IsHardwareAccelerated)
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

    /// <summary>
    /// The AVX-512 scan: 64 characters a step, narrowed to bytes; word starts and the prefix filter in SIMD, so only
    /// candidate words reach the exact check.
    /// </summary>
    private void ScanWide(ReadOnlySpan<char> text, KeywordPrefixFilter filter, ref ScanState state, ref SignalScores scores)
    {
        // Each block reads the three characters after it.
        var whole = Math.Max(0, (text.Length - 3) / WideBlock);
        ulong previous = 0;
        ScanBlocks(text, text, 0, whole, filter, ref previous, ref state, ref scores);
        var rest = whole * WideBlock;
        if (rest < text.Length)
        {
            // The last characters, too few for a block and the three after it, are scanned from a copy padded with
            // spaces (never part of a word); the exact checks still read the text itself.
            Span<char> padded = stackalloc char[(2 * WideBlock) + 3];
            padded.Fill(' ');
            text[rest..].CopyTo(padded);
            ScanBlocks(padded, text, rest, (text.Length - rest + WideBlock - 1) / WideBlock, filter, ref previous, ref state, ref scores);
        }
    }

    /// <summary>
    /// Scans <paramref name="blocks"/> blocks of 64 characters of <paramref name="source"/>, which are those of
    /// <paramref name="text"/> from <paramref name="position"/>, and the three characters after them.
    /// </summary>
    private void ScanBlocks(ReadOnlySpan<char> source, ReadOnlySpan<char> text, int position, int blocks, KeywordPrefixFilter filter, ref ulong previousIsWord, ref ScanState state, ref SignalScores scores)
    {
        ref var first = ref Unsafe.As<char, short>(ref MemoryMarshal.GetReference(source));
        var previous = previousIsWord;
        var findYears = state.MaxYear > 0;
        for (var i = 0; i < blocks * WideBlock; i += WideBlock)
        {
            var chars = Narrow(ref first, i);
            var ahead = Narrow(ref first, i + 3);
            var next1 = Avx512Vbmi.PermuteVar64x8x2(chars, AheadOne, ahead);
            var next2 = Avx512Vbmi.PermuteVar64x8x2(chars, AheadTwo, ahead);

            // Word characters by table (vpermi2b reads the low seven bits; bytes from 128 up are never word characters).
            var words = ~Vector512.Equals(Avx512Vbmi.PermuteVar64x8x2(WordCharsLow, chars, WordCharsHigh), Vector512<byte>.Zero).ExtractMostSignificantBits()
                & ~chars.ExtractMostSignificantBits();
            var starts = words & ~((words << 1) | previous);
            previous = words >> 63;
            var candidates = filter.Candidates(chars, next1, next2, ahead);
            if (findYears)
            {
                candidates |= (Vector512.Equals(chars, Vector512.Create((byte)'2')) & Vector512.Equals(next1, Vector512.Create((byte)'0'))).ExtractMostSignificantBits();
            }

            candidates &= starts;
            while (candidates != 0)
            {
                VisitWord(text, position + i + BitOperations.TrailingZeroCount(candidates), ref state, ref scores);
                candidates &= candidates - 1;
            }

            if (Vector512.EqualsAny(chars, Vector512.Create((byte)'`')))
            {
                CheckFences(text, position + i, Vector512.Equals(chars, Vector512.Create((byte)'`')).ExtractMostSignificantBits(), ref state, ref scores);
            }
        }

        previousIsWord = previous;
    }

    /// <summary>Loads 64 characters as bytes: ASCII unchanged, everything above 255 saturated to 0 or 255.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Narrow(ref short first, int offset)
    {
        var packed = Avx512BW.PackUnsignedSaturate(Vector512.LoadUnsafe(ref first, (nuint)offset), Vector512.LoadUnsafe(ref first, (nuint)(offset + 32)));

        // vpackuswb interleaves the two sources per 128-bit lane; put the eight quadwords back in text order.
        return Avx512F.PermuteVar8x64(packed.AsUInt64(), Vector512.Create(0UL, 2, 4, 6, 1, 3, 5, 7)).AsByte();
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
            MatchGroup(text, position, group, state.Categories, ref scores);
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

    private void MatchGroup(ReadOnlySpan<char> text, int position, int group, RequestSignals categories, ref SignalScores scores)
    {
        // The SIMD pass only sees ASCII: a non-ASCII letter before the word means it is not a word start after all.
        if (position > 0 && text[position - 1] > 127 && IsWordChar(text[position - 1]))
        {
            return;
        }

        var rest = text[position..];
        var seen = RequestSignals.None;
        var keywords = _keywords.AsSpan(_groupStarts[group], _groupStarts[group + 1] - _groupStarts[group]);
        if (rest.Length >= Keyword.HeadLength)
        {
            // One vector comparison per keyword settles all but the rare keyword longer than the head.
            var head = Vector256.LoadUnsafe(ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(rest)));
            foreach (ref readonly var keyword in keywords)
            {
                if (keyword.HeadMatches(head))
                {
                    Accept(rest, keyword, categories, ref seen, ref scores);
                }
            }
        }
        else
        {
            foreach (ref readonly var keyword in keywords)
            {
                if (keyword.Text.Length <= rest.Length && Ascii.EqualsIgnoreCase(rest[..keyword.Text.Length], keyword.Text))
                {
                    Accept(rest, keyword, categories, ref seen, ref scores);
                }
            }
        }
    }

    /// <summary>Scores a keyword whose head matched, once its category is wanted and not yet scored here, its tail matches, and it ends as a word.</summary>
    private static void Accept(ReadOnlySpan<char> rest, in Keyword keyword, RequestSignals categories, ref RequestSignals seen, ref SignalScores scores)
    {
        var length = keyword.Text.Length;
        if ((keyword.Category & categories & ~seen) == 0
            || (length > Keyword.HeadLength && (length > rest.Length || !Ascii.EqualsIgnoreCase(rest[Keyword.HeadLength..length], keyword.Text.AsSpan(Keyword.HeadLength))))
            || (keyword.CheckEnd && length < rest.Length && IsWordChar(rest[length])))
        {
            return;
        }

        seen |= keyword.Category;
        scores.Add(keyword.Category, keyword.Weight);
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

    [StructLayout(LayoutKind.Auto)]
    private readonly struct Keyword
    {
        /// <summary>How many characters the vector comparison covers; longer keywords compare the rest separately.</summary>
        public const int HeadLength = 16;

        // The first 16 characters, letters lower-cased, zero past the end; the case bit (0x20) to set on the text's
        // characters where the keyword has a letter; and which lanes the keyword covers. ASCII case-insensitive and exact
        // for everything else: setting 0x20 turns no non-letter (nor any non-ASCII character) into a letter.
        private readonly Vector256<ushort> _head;
        private readonly Vector256<ushort> _caseBits;
        private readonly Vector256<ushort> _covered;

        public Keyword(string text, RequestSignals category, int weight, bool checkEnd)
        {
            Text = text;
            Category = category;
            Weight = weight;
            CheckEnd = checkEnd;
            _head = Lanes(text, c => char.IsAsciiLetter(c) ? (ushort)(c | 0x20) : c);
            _caseBits = Lanes(text, c => char.IsAsciiLetter(c) ? (ushort)0x20 : (ushort)0);
            _covered = Lanes(text, _ => ushort.MaxValue);
        }

        public string Text { get; }

        public RequestSignals Category { get; }

        public int Weight { get; }

        /// <summary>Gets a value indicating whether the character after the keyword must not be a word character.</summary>
        public bool CheckEnd { get; }

        /// <summary>Whether the first <see cref="HeadLength"/> characters of the text match the keyword's (all of it, if no longer).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool HeadMatches(Vector256<ushort> head) => ((head | _caseBits) & _covered) == _head;

        private static Vector256<ushort> Lanes(string text, Func<char, ushort> lane) =>
            Vector256.Create([.. Enumerable.Range(0, HeadLength).Select(i => i < text.Length ? lane(text[i]) : (ushort)0)]);
    }
}
