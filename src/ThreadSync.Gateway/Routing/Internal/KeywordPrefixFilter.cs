using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>
/// A vectorized pre-filter for <see cref="KeywordMatcher"/> on AVX-512 machines with GFNI and VBMI (Ice Lake, Zen 4 and
/// later): given 64 text positions as bytes, it answers for all of them at once which could begin a keyword, so the
/// exact comparison runs for about one word in twenty instead of every word.
/// </summary>
/// <remarks>
/// <para>Each position is keyed by the low five bits (the case-folded letter) of its first four characters. Two hash
/// functions map the key to 10 bits each: a Bloom filter of two 1,024-bit tables, held in registers and read with
/// <c>vpermi2b</c> (7 bits pick a byte) and <c>vpshufb</c> (3 bits pick the bit). Keywords of three characters or fewer
/// go to a third table keyed by the first three characters only, so they do not open the four-character tables to
/// every fourth character. The hashes are GF(2)-linear maps computed with <c>gf2p8affineqb</c>, one instruction per
/// character; the matrices below were picked (from random ones) for the fewest false positives on English prose,
/// developer questions and this project's docs: about 2% of non-keyword words pass.</para>
/// <para>A false positive only costs an exact check; a false negative is impossible, because every key a keyword can
/// produce is in the tables. Characters above 255 narrow to 0 or 255, which no keyword contains.</para>
/// </remarks>
internal sealed class KeywordPrefixFilter
{
    /// <summary>Gets a value indicating whether the filter runs on this machine.</summary>
    public static bool IsSupported => Vector512.IsHardwareAccelerated && Avx512BW.IsSupported && Avx512Vbmi.IsSupported && Gfni.V512.IsSupported;

    // Per hash, one 8x8 bit matrix per character position (gf2p8affineqb layout: the byte 7 - i is the row of output
    // bit i). Only input bits 0-4 are used, which makes the hash case-insensitive for ASCII letters. Constants, so the
    // JIT keeps them in the code rather than loading them from an array in the scan's loop.
    private const ulong Index1Of0 = 0x121303131B161902;
    private const ulong Index1Of1 = 0x0C19180B14041E19;
    private const ulong Index1Of2 = 0x05120A00170C010C;
    private const ulong Index1Of3 = 0x1703150A170B191D;
    private const ulong Index2Of0 = 0x1B030D0D020F1412;
    private const ulong Index2Of1 = 0x09010611031D080D;
    private const ulong Index2Of2 = 0x0805011415100305;
    private const ulong Index2Of3 = 0x1A09080008010A0A;

    // Bits 0-2 pick the bit in each table; bit 7 is always 0 (vpshufb would zero the lane).
    private const ulong BitOf0 = 0x0D1E031C16001900;
    private const ulong BitOf1 = 0x1C0300101E1A1F00;
    private const ulong BitOf2 = 0x050E030A19141900;
    private const ulong BitOf3 = 0x1B1E0B031C1A0F00;

    // The same matrices by position, for the scalar twin that builds the tables (Hash).
    private static readonly ulong[] IndexHash1 = [Index1Of0, Index1Of1, Index1Of2, Index1Of3];
    private static readonly ulong[] IndexHash2 = [Index2Of0, Index2Of1, Index2Of2, Index2Of3];
    private static readonly ulong[] BitHash = [BitOf0, BitOf1, BitOf2, BitOf3];

    private readonly Vector512<byte> _table1Low;
    private readonly Vector512<byte> _table1High;
    private readonly Vector512<byte> _table2Low;
    private readonly Vector512<byte> _table2High;
    private readonly Vector512<byte> _shortLow;
    private readonly Vector512<byte> _shortHigh;

    /// <summary>Initializes a new instance of the <see cref="KeywordPrefixFilter"/> class.</summary>
    /// <param name="keywords">The keywords, without any prefix marker.</param>
    public KeywordPrefixFilter(IEnumerable<string> keywords)
    {
        ArgumentNullException.ThrowIfNull(keywords);
        var table1 = new byte[128];
        var table2 = new byte[128];
        var shortTable = new byte[128];
        Span<byte> key = stackalloc byte[4];
        foreach (var keyword in keywords)
        {
            // A keyword shorter than the key matches whatever follows it: every value of the missing characters.
            var known = Math.Min(keyword.Length, 4);
            var combinations = 1 << (5 * ((keyword.Length < 4 ? 3 : 4) - known));
            for (var combination = 0; combination < combinations; combination++)
            {
                for (var position = 0; position < 4; position++)
                {
                    key[position] = position < known ? (byte)keyword[position] : (byte)((combination >> (5 * (position - known))) & 31);
                }

                if (keyword.Length < 4)
                {
                    var index = Hash(IndexHash1, key[..3]);
                    shortTable[index & 127] |= (byte)(1 << (Hash(BitHash, key[..3]) & 7));
                }
                else
                {
                    var bits = Hash(BitHash, key);
                    table1[Hash(IndexHash1, key) & 127] |= (byte)(1 << (bits & 7));
                    table2[Hash(IndexHash2, key) & 127] |= (byte)(1 << (bits & 7));
                }
            }
        }

        _table1Low = Vector512.Create(table1.AsSpan(0, 64));
        _table1High = Vector512.Create(table1.AsSpan(64));
        _table2Low = Vector512.Create(table2.AsSpan(0, 64));
        _table2High = Vector512.Create(table2.AsSpan(64));
        _shortLow = Vector512.Create(shortTable.AsSpan(0, 64));
        _shortHigh = Vector512.Create(shortTable.AsSpan(64));
    }

    /// <summary>Gets the filter's tables, for <see cref="Candidates"/>.</summary>
    /// <remarks>
    /// A caller's loop copies them into locals once, so they stay in registers; read from the object, the JIT loads
    /// all six from memory in every iteration (it cannot prove that the loop's stores leave them unchanged).
    /// </remarks>
    public (Vector512<byte> Table1Low, Vector512<byte> Table1High, Vector512<byte> Table2Low, Vector512<byte> Table2High, Vector512<byte> ShortLow, Vector512<byte> ShortHigh) Tables =>
        (_table1Low, _table1High, _table2Low, _table2High, _shortLow, _shortHigh);

    /// <summary>
    /// Returns a mask of the lanes that may begin a keyword, given the text's characters as bytes at each lane and
    /// one, two and three positions after it, and the filter's <see cref="Tables"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Candidates(
        Vector512<byte> c0,
        Vector512<byte> c1,
        Vector512<byte> c2,
        Vector512<byte> c3,
        (Vector512<byte> Table1Low, Vector512<byte> Table1High, Vector512<byte> Table2Low, Vector512<byte> Table2High, Vector512<byte> ShortLow, Vector512<byte> ShortHigh) tables)
    {
        // The three-character hashes first (for the short table), then the fourth character added for the long ones.
        var index1 = Affine(c0, Index1Of0) ^ Affine(c1, Index1Of1) ^ Affine(c2, Index1Of2);
        var bits = Affine(c0, BitOf0) ^ Affine(c1, BitOf1) ^ Affine(c2, BitOf2);
        var shortHits = Avx512Vbmi.PermuteVar64x8x2(tables.ShortLow, index1, tables.ShortHigh) & Select(bits);
        index1 ^= Affine(c3, Index1Of3);
        bits ^= Affine(c3, BitOf3);
        var index2 = Affine(c0, Index2Of0) ^ Affine(c1, Index2Of1) ^ Affine(c2, Index2Of2) ^ Affine(c3, Index2Of3);

        // Both tables share the selected bit, so one AND tells whether both have it.
        var longHits = Avx512Vbmi.PermuteVar64x8x2(tables.Table1Low, index1, tables.Table1High) & Avx512Vbmi.PermuteVar64x8x2(tables.Table2Low, index2, tables.Table2High) & Select(bits);
        return ~Vector512.Equals(shortHits | longHits, Vector512<byte>.Zero).ExtractMostSignificantBits();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Affine(Vector512<byte> chars, ulong matrix) =>
        Gfni.V512.GaloisFieldAffineTransform(chars, Vector512.Create(matrix).AsByte(), 0);

    /// <summary>1 shifted left by bits 0-2 of each lane: vpshufb reads bits 0-3 (bit 7 would zero the lane; it is always
    /// clear), and the table repeats, so bit 3 does not matter.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Select(Vector512<byte> bits) =>
        Avx512BW.Shuffle(Vector512.Create((byte)1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128), bits);

    /// <summary>The scalar twin of the vector hash: the XOR over positions of the matrix applied to each character.</summary>
    private static int Hash(ulong[] matrices, ReadOnlySpan<byte> key)
    {
        var hash = 0;
        for (var position = 0; position < key.Length; position++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var row = (byte)(matrices[position] >> (8 * (7 - bit)));
                hash ^= (System.Numerics.BitOperations.PopCount((uint)(row & key[position])) & 1) << bit;
            }
        }

        return hash;
    }
}
