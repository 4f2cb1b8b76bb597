namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>
/// The built-in keywords of each text category. Matched case-insensitively as whole words; a trailing <c>*</c> makes a
/// prefix (<c>compil*</c>: compile, compiler, compilation). Weights: 3 for unmistakable evidence (a Python traceback;
/// the matcher adds 3 for a code fence), 2 for strong, 1 for ordinary words.
/// </summary>
internal static class RoutingKeywords
{
    private static readonly string[] StrongCode =
    [
        "Exception in thread", "NullReferenceException", "NullPointerException",
        "IndexError", "KeyError", "TypeError", "ValueError", "SyntaxError", "ReferenceError", "AttributeError",
        "ImportError", "ModuleNotFoundError", "segmentation fault", "segfault", "core dumped", "panic:",
        "undefined reference", "stack trace", "stacktrace", "npm ERR!", "include <", "console.log", "printf",
        "public static", "System.out.println",
    ];

    private static readonly string[] Code =
    [
        "code", "coding", "function", "functions", "compil*", "regex*", "regular expression*", "sql", "select * from",
        "debug*", "bug", "bugs", "refactor*", "unit test*", "python", "javascript", "typescript", "java", "c#", "c++",
        "golang", "rust", "kotlin", "ruby", "php", "html", "css", "react", "node.js", "nodejs", "asp.net", "dotnet", "linq",
        "async", "await", "lambda", "api", "apis", "endpoint", "script", "bash", "shell script", "powershell",
        "dockerfile", "docker", "kubernetes", "git", "github", "npm", "pip install", "variable*", "recursion",
        "recursive", "algorithm*", "implement*", "programming", "snippet", "exception", "null pointer", "syntax error",
        "runtime error", "build error", "stack overflow", "unit-test*", "method signature", "source code",
    ];

    private static readonly string[] Search =
    [
        "latest", "today", "tonight", "yesterday", "this week", "this month", "this year", "news", "headline*",
        "breaking news", "current price*", "current events", "currently", "right now", "as of now", "as of today",
        "stock price*", "share price*", "exchange rate*", "weather", "forecast", "search the web", "search online",
        "web search", "look up", "google", "browse", "recent*", "up-to-date", "up to date", "trending", "who won",
        "election*", "release date", "just announced", "live score*", "cite sources", "with sources", "market cap",
    ];

    private static readonly string[] Reasoning =
    [
        "prove", "proof", "proofs", "step by step", "step-by-step", "analyze deeply", "analyse deeply", "deep analysis",
        "in-depth", "in depth", "think carefully", "think hard", "think through", "reason through", "reason about",
        "derive", "derivation", "theorem", "lemma", "rigorous*", "thoroughly", "trade-off*", "tradeoff*",
        "pros and cons", "compare and contrast", "explain why", "why does", "puzzle", "riddle", "logic*", "mathemat*",
        "calculat*", "probability", "optimal", "edge cases", "counterexample", "hypothes*", "root cause", "critique",
        "evaluate",
    ];

    private static readonly string[] Fast =
    [
        "quick", "quickly", "brief", "briefly", "short answer", "in short", "tl;dr", "tldr", "one word", "one-word",
        "single word", "one sentence", "one line", "yes or no", "classify", "classification", "categoriz*",
        "categoris*", "label", "sentiment", "extract", "translate", "summari*", "rephrase", "reword", "fix typo*",
        "spell check", "spellcheck", "grammar", "just answer", "only answer", "no explanation", "without explanation",
        "concise*",
    ];

    private static readonly string[] Json = ["json"];

    // Declared after the lists: static fields initialize in text order.
    public static readonly KeywordMatcher Matcher = new(All());

    /// <summary>The code and JSON keywords only, for system messages: other keywords would only cost exact checks there.</summary>
    public static readonly KeywordMatcher CodeAndJsonMatcher = new(All().Where(k => k.Category is RequestSignals.Code or RequestSignals.Json));

    /// <summary>Gets every built-in keyword with its category and weight.</summary>
    public static IEnumerable<(string Keyword, RequestSignals Category, int Weight)> All()
    {
        yield return ("Traceback (most recent call last)", RequestSignals.Code, 3);
        foreach (var keyword in StrongCode)
        {
            yield return (keyword, RequestSignals.Code, 2);
        }

        foreach (var (list, category) in new[] { (Code, RequestSignals.Code), (Search, RequestSignals.Search), (Reasoning, RequestSignals.Reasoning), (Fast, RequestSignals.Fast), (Json, RequestSignals.Json) })
        {
            foreach (var keyword in list)
            {
                yield return (keyword, category, 1);
            }
        }
    }
}
