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
/// (Ice Lake, Zen 4 and later) the text is narrowed to bytes 2,048 characters at a time; each 64-byte block then marks
/// its word starts and asks <see cref="KeywordPrefixFilter"/> which of them could begin a keyword, all in SIMD, and
/// lists those candidates (about one word in ten on a developer question, none on most prose). A second pass compares
/// each candidate's next 16 bytes with the heads of all keywords whose first four folded characters hash like its own
/// in one 512-bit operation, so only real matches branch (<see cref="CheckCandidates"/>). About 0.33 µs per 2 KB of
/// prose and 0.6 µs for the 2 KB developer question of the benchmarks (37 candidates, 6 matches) on the project's
/// 2-core Xeon. Elsewhere each SIMD step (32, 16 or 8 characters) marks the word starts and hashes every lane's first four
/// case-folded characters to 16 bits; an 8 KB bit filter, set for every way a keyword (or a year) can begin, lets about
/// 4% of other words through to the exact check: a 32 KB table gives the group of keywords sharing the first three
/// folded characters, the fourth character narrows it, and each keyword's first 16 characters are compared in one
/// vector operation, about 10 ns per word that passes the filter.</para>
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

    // The wide path narrows the text to bytes this many characters at a time (a multiple of WideBlock), into a stack
    // buffer: 32 blocks, so a uint has one bit per block.
    private const int BlocksPerChunk = 32;
    private const int ChunkChars = BlocksPerChunk * WideBlock;

    // Keyword heads compared at once by the wide path's exact check: four of 16 bytes, one 512-bit vector.
    private const int PackSlots = 4;

    // The bytes of a pack's two vectors.
    private const int PackBytes = 2 * WideBlock;

    // The wide path's table from four folded characters to their keywords' pack has 2^DefaultPackHashBits entries (8 KB).
    private const int DefaultPackHashBits = 12;

    // The position bits of a MatchEntry: positions in a chunk are below ChunkChars.
    private const uint MatchPositionMask = (1 << 12) - 1;

    // 0x80 for the ASCII word characters (letters, digits, '_'), by character code: the two halves of a vpermi2b table.
    // The top bit, so that one AND NOT with the bytes also clears the bytes from 128 up (vpermi2b reads seven bits).
    private static readonly Vector512<byte> WordCharsLow = Vector512.Create([.. Enumerable.Range(0, 64).Select(c => (byte)(IsAsciiWordChar((char)c) ? 0x80 : 0))]);
    private static readonly Vector512<byte> WordCharsHigh = Vector512.Create([.. Enumerable.Range(64, 64).Select(c => (byte)(IsAsciiWordChar((char)c) ? 0x80 : 0))]);

    private readonly byte[] _groupOfKey = new byte[1 << (3 * KeyBits)];
    private readonly Keyword[] _keywords;
    private readonly int[] _groupStarts;
    private readonly uint[] _fourthCharsOfGroup;
    private readonly ulong[] _filterBits;
    private readonly KeywordPrefixFilter? _prefixFilter;

    // The wide path's exact check (see CheckCandidates and PackOf): the first pack of each hash of four folded
    // characters and the hash's multiplier, and per pack its two vectors (see HeadHits) from _packVectorsOffset in
    // _packVectors (64-byte aligned), its keywords (indexes into _keywords, PackSlots per pack) and the pack that
    // continues it (0: none; pack 0 is empty).
    private readonly ushort[] _packOfHash = [];
    private readonly uint _packHashMultiplier;
    private readonly int _packHashShift;
    private readonly byte[] _packVectors = [];
    private readonly int _packVectorsOffset;
    private readonly int[] _packKeywords = [];
    private readonly ushort[] _packNext = [];

    /// <summary>Initializes a new instance of the <see cref="KeywordMatcher"/> class.</summary>
    /// <param name="keywords">The keywords (ASCII, starting with a letter, digit or '_'; a trailing '*' makes a prefix), their categories and weights.</param>
    /// <param name="useWideScan">Whether to use the AVX-512 scan where the machine has it; off only to test the other path on such machines.</param>
    /// <param name="packHashBits">The bits of the AVX-512 scan's hash of four characters (1-16); fewer only to test keywords sharing a hash.</param>
    public KeywordMatcher(IEnumerable<(string Keyword, RequestSignals Category, int Weight)> keywords, bool useWideScan = true, int packHashBits = DefaultPackHashBits)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentOutOfRangeException.ThrowIfLessThan(packHashBits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(packHashBits, 16);
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
        if (_prefixFilter is not null)
        {
            byte[] vectors;
            (_packOfHash, _packHashMultiplier, vectors, _packKeywords, _packNext) = BuildPacks(_keywords, packHashBits);
            _packHashShift = 32 - packHashBits;
            (_packVectors, _packVectorsOffset) = Aligned(vectors);
        }

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
    /// The AVX-512 scan, in three passes over each chunk of up to <see cref="ChunkChars"/> characters: narrow the chunk to
    /// bytes (<see cref="NarrowChunk"/>); find the candidate word starts and list their positions
    /// (<see cref="FindCandidates"/>); check each candidate against the keyword heads that share its first four
    /// characters (<see cref="CheckCandidates"/>).
    /// </summary>
    /// <remarks>
    /// Why passes: the single pass this replaced checked each candidate as its block found it, branching on the block's
    /// candidate count, the fourth character and each keyword of the group. Those branches follow the text, so they
    /// mispredicted, about 10 ns per candidate, and most candidates are near misses ("without" for "without
    /// explanation", "problems" for "probability"). Now the only branch per candidate that follows the text is taken by
    /// the real matches. The byte copy also gives each block the characters after it by unaligned loads (no
    /// permutations) and makes the text's last partial block an ordinary one. The buffers are not zeroed
    /// (<see cref="SkipLocalsInitAttribute"/>): every byte read is written first.
    /// </remarks>
    [SkipLocalsInit]
    private void ScanWide(ReadOnlySpan<char> text, KeywordPrefixFilter filter, ref ScanState state, ref SignalScores scores)
    {
        // The chunk, the 64 characters after it (the exact check reads 16 characters from each candidate) and a block of
        // zeros after the text's end; at most one position per two characters starts a word, plus the flattening's slack.
        Span<byte> bytes = Align(stackalloc byte[ChunkChars + (3 * WideBlock)], ChunkChars + (2 * WideBlock));
        Span<uint> positions = stackalloc uint[(ChunkChars / 2) + (2 * PackSlots)];
        ulong previousIsWord = 0;
        for (var start = 0; start < text.Length; start += ChunkChars)
        {
            var length = Math.Min(ChunkChars, text.Length - start);
            NarrowChunk(text, start, Math.Min(length + WideBlock, text.Length - start), bytes);
            var count = FindCandidates(text, start, length, bytes, filter, ref previousIsWord, positions, ref state, ref scores);
            CheckCandidates(text, start, bytes, positions[..count], state.Categories, ref scores);
        }
    }

    /// <summary>
    /// The part of <paramref name="buffer"/> (at least <paramref name="length"/> + 63 bytes long) of
    /// <paramref name="length"/> bytes that starts at a multiple of 64: the 64-byte stores of the narrowed text then
    /// never straddle a cache line or page, and the loads that do can be served once the stores are in cache.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Span<byte> Align(Span<byte> buffer, int length)
    {
        // The stack does not move, so the address taken here stays valid.
        var address = Unsafe.ByteOffset(ref Unsafe.NullRef<byte>(), ref MemoryMarshal.GetReference(buffer));
        return buffer.Slice((int)(-address & (WideBlock - 1)), length);
    }

    /// <summary>
    /// Narrows <paramref name="count"/> characters of <paramref name="text"/> from <paramref name="start"/> into
    /// <paramref name="bytes"/> (ASCII unchanged, see <see cref="Narrow"/>), then writes 64 zero bytes after them.
    /// </summary>
    [SkipLocalsInit]
    private static void NarrowChunk(ReadOnlySpan<char> text, int start, int count, Span<byte> bytes)
    {
        ref var source = ref Unsafe.As<char, short>(ref MemoryMarshal.GetReference(text));
        ref var target = ref MemoryMarshal.GetReference(bytes);
        var i = 0;
        for (; i <= count - WideBlock; i += WideBlock)
        {
            Narrow(ref source, start + i).StoreUnsafe(ref target, (nuint)i);
        }

        if (i < count)
        {
            // Fewer than 64 characters remain, and the text ends with them (only the last chunk has a partial block).
            // Narrow the text's last 64 characters and move the wanted ones down rather than copy them to a padded
            // buffer; only a text shorter than a block is copied. Lanes past the text are zeroed: never a word character,
            // never part of a keyword.
            var rest = count - i;
            Vector512<byte> last;
            if (text.Length >= WideBlock)
            {
                last = Avx512Vbmi.PermuteVar64x8(Narrow(ref source, text.Length - WideBlock), Vector512<byte>.Indices + Vector512.Create((byte)(WideBlock - rest)));
            }
            else
            {
                Span<char> copy = stackalloc char[WideBlock];
                text.CopyTo(copy);
                last = Narrow(ref Unsafe.As<char, short>(ref MemoryMarshal.GetReference(copy)), 0);
            }

            (last & Vector512.LessThan(Vector512<byte>.Indices, Vector512.Create((byte)rest))).StoreUnsafe(ref target, (nuint)i);
            i += WideBlock;
        }

        Vector512<byte>.Zero.StoreUnsafe(ref target, (nuint)i);
    }

    /// <summary>
    /// Finds the candidate word starts among the first <paramref name="length"/> bytes of a narrowed chunk (which starts
    /// at <paramref name="start"/> in <paramref name="text"/>), writes their positions in the chunk to
    /// <paramref name="positions"/> and returns how many; years and code fences are checked after the loop.
    /// </summary>
    /// <remarks>
    /// The loop calls nothing: a block with a possible year ("20" at a word start) or a backtick only records its mask
    /// (rare), and the calls follow the loop. With a call in the loop the JIT saved the four character vectors to the
    /// stack in every block and reloaded the filter's six tables and twelve matrices from memory; without one they stay
    /// in registers, which made the loop ~25% faster (2 KB of prose: 0.37 µs to 0.28 µs).
    /// </remarks>
    [SkipLocalsInit]
    private static int FindCandidates(ReadOnlySpan<char> text, int start, int length, ReadOnlySpan<byte> bytes, KeywordPrefixFilter filter, ref ulong previousIsWord, Span<uint> positions, ref ScanState state, ref SignalScores scores)
    {
        ref var first = ref MemoryMarshal.GetReference(bytes);
        ref var output = ref MemoryMarshal.GetReference(positions);
        var previous = previousIsWord;
        var findYears = state.MaxYear > 0 && !state.YearFound;
        var findFences = !state.FenceFound && (state.Categories & RequestSignals.Code) != 0;
        var tables = filter.Tables;
        var wordCharsLow = WordCharsLow;
        var wordCharsHigh = WordCharsHigh;

        // Per block (ChunkChars / WideBlock of them, so one bit each in a uint): the year starts, then the backticks.
        Span<ulong> rare = stackalloc ulong[2 * BlocksPerChunk];
        ref var rareMasks = ref MemoryMarshal.GetReference(rare);
        var yearBlocks = 0u;
        var fenceBlocks = 0u;
        var count = 0;
        for (var i = 0; i < length; i += WideBlock)
        {
            var chars = Vector512.LoadUnsafe(ref first, (nuint)i);
            var next1 = Vector512.LoadUnsafe(ref first, (nuint)(i + 1));
            var next2 = Vector512.LoadUnsafe(ref first, (nuint)(i + 2));
            var next3 = Vector512.LoadUnsafe(ref first, (nuint)(i + 3));
            var block = (int)((uint)i / WideBlock);

            // Word characters by table (vpermi2b reads the low seven bits; bytes from 128 up are never word characters).
            var words = Vector512.AndNot(Avx512Vbmi.PermuteVar64x8x2(wordCharsLow, chars, wordCharsHigh), chars).ExtractMostSignificantBits();
            var starts = words & ~((words << 1) | previous);
            previous = words >> 63;
            if (findYears)
            {
                var years = (Vector512.Equals(chars, Vector512.Create((byte)'2')) & Vector512.Equals(next1, Vector512.Create((byte)'0'))).ExtractMostSignificantBits() & starts;
                if (years != 0)
                {
                    Unsafe.Add(ref rareMasks, block) = years;
                    yearBlocks |= 1u << block;
                }
            }

            // Flatten the mask into positions without a branch per candidate: four are written whatever the count (a
            // block rarely has more; a loop writes the rest), those past it are overwritten next or ignored. Blocks
            // without candidates skip it: that branch mispredicts far less often than one per candidate would, and
            // writing four positions for nothing cost prose ~10% (the scalar work competes with the vector work).
            var candidates = KeywordPrefixFilter.Candidates(chars, next1, next2, next3, tables) & starts;
            if (candidates != 0)
            {
                var found = BitOperations.PopCount(candidates);
                ref var slot = ref Unsafe.Add(ref output, count);
                for (var k = 0; k < PackSlots; k++)
                {
                    Unsafe.Add(ref slot, k) = (uint)(i + BitOperations.TrailingZeroCount(candidates));
                    candidates &= candidates - 1;
                }

                for (var k = PackSlots; k < found; k++)
                {
                    Unsafe.Add(ref slot, k) = (uint)(i + BitOperations.TrailingZeroCount(candidates));
                    candidates &= candidates - 1;
                }

                count += found;
            }

            if (findFences)
            {
                var backticks = Vector512.Equals(chars, Vector512.Create((byte)'`')).ExtractMostSignificantBits();
                if (backticks != 0)
                {
                    Unsafe.Add(ref rareMasks, BlocksPerChunk + block) = backticks;
                    fenceBlocks |= 1u << block;
                }
            }
        }

        for (; yearBlocks != 0 && !state.YearFound; yearBlocks &= yearBlocks - 1)
        {
            var block = BitOperations.TrailingZeroCount(yearBlocks);
            CheckYears(text, start + (block * WideBlock), Unsafe.Add(ref rareMasks, block), ref state, ref scores);
        }

        for (; fenceBlocks != 0 && !state.FenceFound; fenceBlocks &= fenceBlocks - 1)
        {
            var block = BitOperations.TrailingZeroCount(fenceBlocks);
            CheckFences(text, start + (block * WideBlock), Unsafe.Add(ref rareMasks, BlocksPerChunk + block), ref state, ref scores);
        }

        previousIsWord = previous;
        return count;
    }

    /// <summary>
    /// The exact check of the candidates of a narrowed chunk: the four folded characters give the pack
    /// (<see cref="PackOf"/>), and one vector operation compares the candidate's next 16 bytes with the pack's keyword heads.
    /// </summary>
    /// <remarks>
    /// <para>The loop only keeps the candidates where a head matched, with their pack and matching slots (see
    /// <see cref="MatchEntry"/>), in place and without a branch; a second loop scores them (<see cref="AcceptMatch"/>).
    /// So the loop has no call (with one, the JIT saved and reloaded about ten values per candidate) and no branch that
    /// follows the text: most candidates are near misses. Repeating the lookups for the matches instead of keeping
    /// them measured 10–35 ns slower per match.</para>
    /// <para>Bytes compare as the characters would: a keyword is ASCII, and a character outside ASCII narrows to 0 or a
    /// byte from 128 up, which matches no keyword byte even with the case bit set; past the text's end the bytes are 0.</para>
    /// </remarks>
    private void CheckCandidates(ReadOnlySpan<char> text, int start, ReadOnlySpan<byte> bytes, Span<uint> positions, RequestSignals categories, ref SignalScores scores)
    {
        ref var first = ref MemoryMarshal.GetReference(bytes);
        ref var list = ref MemoryMarshal.GetReference(positions);
        ref var packNext = ref MemoryMarshal.GetArrayDataReference(_packNext);
        var matched = 0;
        for (var k = 0; k < positions.Length; k++)
        {
            var position = Unsafe.Add(ref list, k);
            ref var at = ref Unsafe.Add(ref first, position);
            var pack = PackOf(ref at);
            var head = HeadOf(ref at);
            var hits = HeadHits(head, pack);
            var any = hits;
            for (var next = (int)Unsafe.Add(ref packNext, pack); next != 0; next = Unsafe.Add(ref packNext, next))
            {
                any |= HeadHits(head, next);
            }

            // Writes never pass reads (matched <= k). any is at most 0xF: 0 - any has its top bit set unless it is 0.
            Unsafe.Add(ref list, matched) = MatchEntry(position, pack, hits);
            matched += (int)((0u - any) >> 31);
        }

        for (var k = 0; k < matched; k++)
        {
            var entry = Unsafe.Add(ref list, k);
            var position = entry & MatchPositionMask;
            AcceptMatch(text, start + (int)position, ref Unsafe.Add(ref first, position), entry, categories, ref scores);
        }
    }

    /// <summary>
    /// A candidate with a matching head, as <see cref="CheckCandidates"/> keeps it: the position in the chunk (bits 0-11),
    /// the first pack (bits 12-27) and its matching slots (bits 28-31).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint MatchEntry(uint position, int pack, uint slots) => position | ((uint)pack << 12) | (slots << 28);

    /// <summary>
    /// Scores the keywords of a <see cref="MatchEntry"/> at <paramref name="position"/> in the group's order (longest
    /// first), as <see cref="MatchGroup"/> does; the packs that continue the first are compared here.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AcceptMatch(ReadOnlySpan<char> text, int position, ref byte at, uint entry, RequestSignals categories, ref SignalScores scores)
    {
        // The SIMD pass only sees ASCII: a non-ASCII letter before the word means it is not a word start after all.
        if (position > 0 && text[position - 1] > 127 && IsWordChar(text[position - 1]))
        {
            return;
        }

        var rest = text[position..];
        var seen = RequestSignals.None;
        var pack = (int)(entry >> 12) & ushort.MaxValue;
        for (var slots = entry >> 28; ; slots = HeadHits(HeadOf(ref at), pack))
        {
            for (; slots != 0; slots &= slots - 1)
            {
                Accept(rest, _keywords[_packKeywords[(pack * PackSlots) + BitOperations.TrailingZeroCount(slots)]], categories, ref seen, ref scores);
            }

            pack = _packNext[pack];
            if (pack == 0)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The first pack of the keywords that could start at <paramref name="at"/> in a narrowed chunk: a multiplicative
    /// hash of the four folded characters picks it in one load (see <see cref="BuildPacks"/>).
    /// </summary>
    /// <remarks>
    /// It was two dependent loads (the group of the first three characters, then the pack of the group and the fourth),
    /// and the candidates' check waits on this chain: one load fewer measured ~1 ns less per candidate.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int PackOf(ref byte at)
    {
        var folded = (Unsafe.ReadUnaligned<uint>(ref at) | 0x20202020u) & 0x1F1F1F1Fu;
        return Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_packOfHash), (int)((folded * _packHashMultiplier) >> _packHashShift));
    }

    /// <summary>The 16 bytes at <paramref name="at"/> in each 128-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> HeadOf(ref byte at)
    {
        var head = Vector128.LoadUnsafe(ref at).AsUInt64().ToVector256Unsafe().ToVector512Unsafe();
        return Avx512F.Shuffle4x128(head, head, 0).AsByte();
    }

    /// <summary>Which slots of a pack match <paramref name="head"/>: bit k for slot k.</summary>
    /// <remarks>
    /// Two loads per pack, both within one cache line each (the vectors are 64-byte aligned): three vectors at any
    /// alignment (heads, case bits, covered lanes) measured ~20 ns slower per 2 KB developer question.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint HeadHits(Vector512<byte> head, int pack)
    {
        // Per 16-byte slot: OR the first vector in (the case bit where the keyword has a letter, all bits past its end)
        // and compare with the second (the head lower-cased, all bits past its end); a slot matches when both its
        // quadwords are equal (bits 2k and 2k + 1), folded here to bit k.
        ref var vectors = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_packVectors), _packVectorsOffset + (pack * PackBytes));
        var equal = (uint)Vector512.Equals((head | Vector512.LoadUnsafe(ref vectors)).AsUInt64(), Vector512.LoadUnsafe(ref vectors, WideBlock).AsUInt64()).ExtractMostSignificantBits();
        var pairs = equal & (equal >> 1) & 0x55;
        pairs = (pairs | (pairs >> 1)) & 0x33;
        return (pairs | (pairs >> 2)) & 0xF;
    }

    private static void CheckYears(ReadOnlySpan<char> text, int offset, ulong starts, ref ScanState state, ref SignalScores scores)
    {
        for (; starts != 0 && !state.YearFound; starts &= starts - 1)
        {
            if (IsYearAt(text, offset + BitOperations.TrailingZeroCount(starts), state.MinYear, state.MaxYear))
            {
                state.YearFound = true;
                scores.Add(RequestSignals.Search, 1);
            }
        }
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

    /// <summary>
    /// Builds the wide path's packs and the table that finds them: each keyword goes to the hash of every four folded
    /// characters it can start (a keyword shorter than four characters matches whatever follows it: every value of the
    /// missing ones). A hash's keywords, in the groups' order (longest first), fill <see cref="PackSlots"/> to a pack; a
    /// longer list continues in the next pack. Equal lists share their packs.
    /// </summary>
    /// <remarks>
    /// Keys that share a hash share a pack, which is correct whatever the multiplier (the vector compare checks every
    /// byte of each head, the first four characters included) but may need a second pack. The multiplier is the first
    /// of a fixed sequence with which no hash needs one, or failing that the one with the fewest that do: for the
    /// built-in keywords (1,436 keys) most multipliers tried put at most three keywords in any hash.
    /// </remarks>
    private static (ushort[] PackOfHash, uint Multiplier, byte[] Vectors, int[] Keywords, ushort[] Next) BuildPacks(Keyword[] keywords, int hashBits)
    {
        // The keys of each keyword, once per keyword and category (the groups repeat short keywords), in their order.
        var keysOf = new Dictionary<uint, List<int>>();
        var distinct = new HashSet<(string, RequestSignals)>();
        for (var k = 0; k < keywords.Length; k++)
        {
            if (distinct.Add((keywords[k].Text, keywords[k].Category)))
            {
                foreach (var key in FoldedPrefixesOf(keywords[k].Text))
                {
                    if (!keysOf.TryGetValue(key, out var list))
                    {
                        keysOf[key] = list = [];
                    }

                    list.Add(k);
                }
            }
        }

        var (multiplier, membersOf) = (0u, (Dictionary<int, SortedSet<int>>?)null);
        var fewestOverflows = int.MaxValue;
        var candidate = 0x9E3779B1u;
        for (var attempt = 0; attempt < 64 && fewestOverflows > 0; attempt++, candidate = (candidate * 0x2C1B3C6Du) + 0x297A2D39u)
        {
            var trial = candidate | 1;
            var members = new Dictionary<int, SortedSet<int>>();
            foreach (var (key, list) in keysOf)
            {
                var hash = (int)((key * trial) >> (32 - hashBits));
                if (!members.TryGetValue(hash, out var set))
                {
                    members[hash] = set = [];
                }

                set.UnionWith(list);
            }

            var overflows = members.Values.Count(set => set.Count > PackSlots);
            if (overflows < fewestOverflows)
            {
                (multiplier, membersOf, fewestOverflows) = (trial, members, overflows);
            }
        }

        // Longest first, as in the groups: one category then scores once per word start ("step by step" over a
        // shorter overlap); equal lengths keep the keywords' order.
        var packOf = new ushort[1 << hashBits];
        var lists = new List<int[]> { Array.Empty<int>() };
        var next = new List<ushort> { 0 };
        var firstPackOf = new Dictionary<string, ushort>(StringComparer.Ordinal);
        foreach (var (hash, set) in membersOf!)
        {
            var members = set.OrderByDescending(k => keywords[k].Text.Length).ThenBy(k => k).ToArray();
            var signature = string.Join(',', members);
            if (!firstPackOf.TryGetValue(signature, out var firstPack))
            {
                if (lists.Count + ((members.Length + PackSlots - 1) / PackSlots) > ushort.MaxValue)
                {
                    throw new ArgumentException("Too many keyword packs.", nameof(keywords));
                }

                firstPack = (ushort)lists.Count;
                for (var k = 0; k < members.Length; k += PackSlots)
                {
                    lists.Add(members[k..Math.Min(k + PackSlots, members.Length)]);
                    next.Add(k + PackSlots < members.Length ? (ushort)lists.Count : (ushort)0);
                }

                firstPackOf[signature] = firstPack;
            }

            packOf[hash] = firstPack;
        }

        // Per pack, 16 bytes per slot: the bits to set in the text (the case bit where the keyword has a letter, all
        // bits past its end) and the result to expect (the keyword lower-cased, all bits past its end). An empty slot
        // sets the case bit and expects 0: (byte | 0x20) is never 0, so it never matches.
        var vectors = new byte[lists.Count * PackBytes];
        var slots = new int[lists.Count * PackSlots];
        for (var pack = 0; pack < lists.Count; pack++)
        {
            for (var slot = 0; slot < PackSlots; slot++)
            {
                var text = slot < lists[pack].Length ? keywords[lists[pack][slot]].Text : null;
                for (var i = 0; i < Keyword.HeadLength; i++)
                {
                    var lane = (pack * PackBytes) + (slot * Keyword.HeadLength) + i;
                    if (text is null)
                    {
                        (vectors[lane], vectors[lane + WideBlock]) = (0x20, 0);
                    }
                    else if (i < text.Length)
                    {
                        var letter = char.IsAsciiLetter(text[i]);
                        (vectors[lane], vectors[lane + WideBlock]) = (letter ? (byte)0x20 : (byte)0, (byte)(letter ? text[i] | 0x20 : text[i]));
                    }
                    else
                    {
                        (vectors[lane], vectors[lane + WideBlock]) = (byte.MaxValue, byte.MaxValue);
                    }
                }

                slots[(pack * PackSlots) + slot] = text is null ? 0 : lists[pack][slot];
            }
        }

        return (packOf, multiplier, vectors, slots, [.. next]);
    }

    /// <summary>
    /// A copy of <paramref name="data"/> that starts at a multiple of 64 bytes: the array and the offset of the copy in it.
    /// The array is on the pinned object heap, which never moves it, so the offset stays right.
    /// </summary>
    private static (byte[] Array, int Offset) Aligned(byte[] data)
    {
        var array = GC.AllocateArray<byte>(data.Length + WideBlock - 1, pinned: true);
        var offset = (int)(-Unsafe.ByteOffset(ref Unsafe.NullRef<byte>(), ref MemoryMarshal.GetArrayDataReference(array)) & (WideBlock - 1));
        data.CopyTo(array, offset);
        return (array, offset);
    }

    /// <summary>
    /// Every four folded characters, one per byte as <see cref="PackOf"/> reads them, that can begin
    /// <paramref name="keyword"/>: a shorter keyword takes every value of the missing ones.
    /// </summary>
    private static IEnumerable<uint> FoldedPrefixesOf(string keyword)
    {
        var known = Math.Min(keyword.Length, 4);
        var prefix = 0u;
        for (var i = 0; i < known; i++)
        {
            prefix |= (uint)Fold(keyword[i]) << (8 * i);
        }

        for (var rest = 0; rest < 1 << (KeyBits * (4 - known)); rest++)
        {
            var key = prefix;
            for (var i = known; i < 4; i++)
            {
                key |= (uint)((rest >> (KeyBits * (i - known))) & ((1 << KeyBits) - 1)) << (8 * i);
            }

            yield return key;
        }
    }

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
