using System.Text.RegularExpressions;
using ThreadSync.Gateway.Routing.Internal;

namespace ThreadSync.Gateway.Tests.Routing;

public sealed class KeywordMatcherTests
{
    private static readonly (string Keyword, RequestSignals Category, int Weight)[] Keywords =
    [
        ("prove", RequestSignals.Reasoning, 1),
        ("step by step", RequestSignals.Reasoning, 1),
        ("compil*", RequestSignals.Code, 1),
        ("c#", RequestSignals.Code, 1),
        ("sql", RequestSignals.Code, 1),
        ("news", RequestSignals.Search, 1),
        ("this week", RequestSignals.Search, 1),
        ("quick", RequestSignals.Fast, 1),
        ("tl;dr", RequestSignals.Fast, 1),
        ("json", RequestSignals.Json, 1),
    ];

    private static readonly KeywordMatcher Matcher = new(Keywords);

    private static readonly KeywordMatcher RoutingKeywordsMatcher = RoutingKeywords.Matcher;

    // The 16-bit-lane path, which machines without AVX-512 GFNI run; on machines with it, Matcher takes the wide path.
    private static readonly KeywordMatcher NarrowMatcher = new(Keywords, useWideScan: false);

    private static SignalScores Scan(string text, int minYear = 0, int maxYear = 0, KeywordMatcher? matcher = null)
    {
        var scores = default(SignalScores);
        (matcher ?? Matcher).Scan(text, RequestSignals.TextCategories, ref scores, minYear, maxYear);
        return scores;
    }

    [Theory]
    [InlineData("prove it", 1)]
    [InlineData("PROVE it", 1)]
    [InlineData("please prove.", 1)]
    [InlineData("(prove)", 1)]
    [InlineData("improve it", 0)]
    [InlineData("proven results", 0)]
    [InlineData("prove_it", 0)]
    [InlineData("éprove it", 0)]
    [InlineData("Step By Step", 1)]
    public void Scan_MatchesWholeWordsCaseInsensitively(string text, int expected) =>
        Assert.Equal(expected, Scan(text).Reasoning);

    [Theory]
    [InlineData("compile it", 1)]
    [InlineData("the compiler says", 1)]
    [InlineData("compilation failed", 1)]
    [InlineData("a recompile", 0)]
    [InlineData("in C# please", 1)]
    [InlineData("c#", 1)]
    [InlineData("mysql or sql?", 1)]
    public void Scan_PrefixAndPunctuationKeywords(string text, int expected) =>
        Assert.Equal(expected, Scan(text).Code);

    [Theory]
    [InlineData("quick", 1)]
    [InlineData("quicksort", 0)]
    [InlineData("TL;DR", 1)]
    [InlineData("a quick, quick reply", 2)]
    public void Scan_CountsEachOccurrence(string text, int expected) =>
        Assert.Equal(expected, Scan(text).Fast);

    [Theory]
    [InlineData("```\ncode\n```", 3)]
    [InlineData("inline `code` only", 0)]
    [InlineData("`a` then ```js", 3)]
    public void Scan_CodeFenceCountsThreeOnce(string text, int expected) =>
        Assert.Equal(expected, Scan(text).Code);

    [Theory]
    [InlineData("in 2026", 1)]
    [InlineData("2025 results", 1)]
    [InlineData("in 2024", 0)]
    [InlineData("in 2027", 0)]
    [InlineData("id 120261", 0)]
    [InlineData("v2026b", 0)]
    [InlineData("2026 and 2025", 1)]
    public void Scan_RecentYearCountsOnceTowardsSearch(string text, int expected) =>
        Assert.Equal(expected, Scan(text, 2025, 2026).Search);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Scan_AgreesWithAReferenceMatcher_OnRandomTexts_OfEveryLength(bool wide)
    {
        // Exercises the SIMD loops, their block boundaries, the padded or scalar tail and the non-ASCII narrowing
        // ('ţ' is U+0163: truncated to a byte it would read as 'c'; '耀' is U+8000, negative as a signed 16-bit value)
        // against a regex reference.
        var matcher = wide ? Matcher : NarrowMatcher;
        var random = new Random(12345);
        string[] pieces = ["prove", "improve", "news", "newsletter", "SQL", "mysql", "this week", "this", "week", "quick", "quickly", "c#", "ţ#", "tl;dr", "json", "compile", "compiler", "step by step", " ", " ", ". ", "\n", "_", "é", "ţ", "耀", "x", "42", "JSON"];
        for (var length = 0; length < 700; length++)
        {
            var builder = new System.Text.StringBuilder();
            while (builder.Length < length)
            {
                builder.Append(pieces[random.Next(pieces.Length)]);
            }

            var text = builder.ToString(0, length);
            var actual = Scan(text, matcher: matcher);
            var expected = Reference(text, Keywords);
            AssertSameScores(expected, actual, $"length {length}: '{text}'");
        }
    }

    [Fact]
    public void Scan_WideAndNarrowPathsAgree_OnTheBuiltInKeywords()
    {
        // Every built-in keyword at every position of a block, in upper and lower case, among near misses.
        var wide = RoutingKeywords.Matcher;
        var narrow = new KeywordMatcher(RoutingKeywords.All(), useWideScan: false);
        foreach (var (keyword, _, _) in RoutingKeywords.All())
        {
            var word = keyword.TrimEnd('*');
            for (var offset = 0; offset < 70; offset += 7)
            {
                string[] texts = [new string(' ', offset) + word + " x", "(" + word + ")" + new string('z', offset), new string('a', offset) + " " + word.ToUpperInvariant() + "s"];
                for (var i = 0; i < texts.Length; i++)
                {
                    var text = texts[i];
                    var expected = default(SignalScores);
                    narrow.Scan(text, RequestSignals.TextCategories, ref expected, 2025, 2026);
                    var actual = default(SignalScores);
                    wide.Scan(text, RequestSignals.TextCategories, ref actual, 2025, 2026);
                    AssertSameScores(expected, actual, $"'{text}' (narrow path expected, wide path actual)");
                    Assert.True(i == 2 || actual.Code + actual.Search + actual.Reasoning + actual.Fast + actual.Json > 0, $"'{text}' found nothing");
                }
            }
        }
    }

    [Fact]
    public void Scan_WideAndNarrowPathsAgree_OnLongRandomTexts()
    {
        // The wide path narrows the text 2,048 characters at a time (with the next 64 as look-ahead), lists four
        // candidates per 64-character block without branching (a loop takes the rest) and checks them in a second pass:
        // texts around one and two chunks, keywords across chunk edges and keyword-dense blocks, against the narrow path.
        var wide = RoutingKeywords.Matcher;
        var narrow = new KeywordMatcher(RoutingKeywords.All(), useWideScan: false);
        string[] pieces = [.. RoutingKeywords.All().Select(k => k.Keyword.TrimEnd('*')), " ", " ", ". ", "\n", "ţ", "耀", "é", "2026", "2025", "```", "`", "without", "problems", "importing", "_", "x"];
        string[] dense = ["sql", "c#", "api", "git", "bug", "npm", "css", "SQL", " ", " ", ".", "x"];
        var random = new Random(2048);
        int[] lengths = [.. Enumerable.Range(1980, 140), .. Enumerable.Range(4030, 140), .. Enumerable.Range(0, 40).Select(_ => random.Next(100, 9000))];
        foreach (var length in lengths)
        {
            var source = length % 5 == 0 ? dense : pieces;
            var builder = new System.Text.StringBuilder();
            while (builder.Length < length)
            {
                var piece = source[random.Next(source.Length)];
                builder.Append(random.Next(3) == 0 ? piece.ToUpperInvariant() : piece).Append(random.Next(2) == 0 ? " " : string.Empty);
            }

            var text = builder.ToString(0, length);
            var expected = default(SignalScores);
            narrow.Scan(text, RequestSignals.TextCategories, ref expected, 2025, 2026);
            var actual = default(SignalScores);
            wide.Scan(text, RequestSignals.TextCategories, ref actual, 2025, 2026);
            AssertSameScores(expected, actual, $"length {length} (narrow path expected, wide path actual)");
        }
    }

    [Theory]
    [InlineData(2030)]
    [InlineData(2048)]
    [InlineData(4090)]
    public void Scan_FindsKeywordsAcrossChunkEdges(int around)
    {
        // Each keyword once, starting at every position from 20 before to 20 after a multiple of 2,048, in a text long
        // enough to span the edge; "sqlx" (a near miss of "sql") fills the text so that every block is dense with candidates.
        foreach (var (keyword, expectedCode, expectedReasoning) in new[] { ("step by step", 0, 1), ("Traceback (most recent call last)", 3, 0), ("SQL", 1, 0) })
        {
            for (var position = around - 20; position <= around + 20; position++)
            {
                var filler = string.Concat(Enumerable.Repeat("sqlx ", position / 5)) + new string(' ', position % 5);
                var text = filler + " " + keyword + " ." + new string(' ', 100);
                var scores = Scan(text, matcher: RoutingKeywordsMatcher);
                Assert.True((expectedCode, expectedReasoning) == (scores.Code, scores.Reasoning), $"'{keyword}' at {position + 1}: code {scores.Code}, reasoning {scores.Reasoning}");
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Scan_ManyKeywordsSharingTheirFirstFourCharacters_AllMatch(bool wide)
    {
        // Eight keywords can start with "abcd" (the short "abc" and "ab" match before any fourth character): more than
        // the wide path compares in one vector, so its check continues in a second group of heads; one is longer than
        // the 16 characters compared in the vector.
        (string Keyword, RequestSignals Category, int Weight)[] keywords =
        [
            ("abcd", RequestSignals.Code, 1), ("abcde", RequestSignals.Search, 1), ("abcd ef", RequestSignals.Reasoning, 1),
            ("abcd-ef", RequestSignals.Fast, 1), ("abcdefghijklmnopqrstuvwxyz", RequestSignals.Json, 1), ("abcdx*", RequestSignals.Code, 2),
            ("abc", RequestSignals.Fast, 1), ("ab", RequestSignals.Search, 1),
        ];
        var matcher = new KeywordMatcher(keywords, useWideScan: wide);
        var random = new Random(4);
        string[] pieces = ["abcd", "abcde", "abcd ef", "abcd-ef", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyq", "abcdxyz", "abc", "ab", "abcdz", "abcd_", " ", " ", ".", "-", "x"];
        for (var length = 0; length < 400; length++)
        {
            var builder = new System.Text.StringBuilder();
            while (builder.Length < length)
            {
                builder.Append(pieces[random.Next(pieces.Length)]);
            }

            var text = builder.ToString(0, length);
            AssertSameScores(Reference(text, keywords), Scan(text, matcher: matcher), $"length {length}: '{text}'");
        }
    }

    [Theory]
    [InlineData(true, 12)]
    [InlineData(true, 4)]
    [InlineData(true, 1)]
    [InlineData(false, 12)]
    public void Scan_KeywordsThatShareAHash_AllMatch(bool wide, int hashBits)
    {
        // The wide path finds a candidate's keywords by a hash of its first four folded characters (12 bits unless
        // told), and keys that share a hash share their keywords' packs. A two-character keyword starts 1,024 such
        // keys, so six of them fill every 12-bit hash; with 4 bits or 1 every hash holds most keywords, more than four:
        // the check continues in further packs, longest first.
        (string Keyword, RequestSignals Category, int Weight)[] keywords =
        [
            ("an", RequestSignals.Search, 1), ("a#", RequestSignals.Code, 1), ("b2", RequestSignals.Json, 1), ("go", RequestSignals.Fast, 1),
            ("qu", RequestSignals.Reasoning, 1), ("x9", RequestSignals.Search, 2), ("and", RequestSignals.Reasoning, 1),
            ("about", RequestSignals.Code, 1), ("abc*", RequestSignals.Search, 2), ("zebra", RequestSignals.Json, 1),
            ("quick", RequestSignals.Fast, 2), ("12ab", RequestSignals.Code, 1), ("a b c d e f g h i j k l m", RequestSignals.Search, 1),
        ];
        var matcher = new KeywordMatcher(keywords, useWideScan: wide, packHashBits: hashBits);
        var random = new Random(7);
        string[] pieces = ["a", "an", "and", "a#", "b2", "go", "GO!", "x9", "X9z", "about", "abcde", "zebra", "q", "quick", "12ab", "a b c d e f g h i j k l m", "A B C", "ANDY", "qu", "b", " ", " ", ".", "-", "_", "x", "ţ"];
        for (var length = 0; length < 500; length++)
        {
            var builder = new System.Text.StringBuilder();
            while (builder.Length < length)
            {
                builder.Append(pieces[random.Next(pieces.Length)]);
            }

            var text = builder.ToString(0, length);
            AssertSameScores(Reference(text, keywords), Scan(text, matcher: matcher), $"length {length}: '{text}'");
        }
    }

    private static void AssertSameScores(SignalScores expected, SignalScores actual, string context) =>
        Assert.True(
            (expected.Code, expected.Search, expected.Reasoning, expected.Fast, expected.Json) == (actual.Code, actual.Search, actual.Reasoning, actual.Fast, actual.Json),
            $"{context}: expected {expected.Code}/{expected.Search}/{expected.Reasoning}/{expected.Fast}/{expected.Json}, got {actual.Code}/{actual.Search}/{actual.Reasoning}/{actual.Fast}/{actual.Json}");

    private static SignalScores Reference(string text, IEnumerable<(string Keyword, RequestSignals Category, int Weight)> keywords)
    {
        var scores = default(SignalScores);
        foreach (var (keyword, category, weight) in keywords)
        {
            var prefix = keyword.EndsWith('*');
            var value = Regex.Escape(prefix ? keyword[..^1] : keyword);
            var end = prefix || !char.IsLetterOrDigit(keyword[^1]) ? string.Empty : @"(?![\p{L}\p{N}_])";
            var pattern = @"(?<![\p{L}\p{N}_])" + value + end;
            var count = Regex.Matches(text, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant).Count;
            scores.Add(category, count * weight);
        }

        return scores;
    }
}
