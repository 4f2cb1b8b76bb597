namespace ThreadSync.Gateway;

/// <summary>
/// The intents automatic routing recognizes, as named in configuration (<c>ThreadSync:Routing:Intents:&lt;intent&gt;</c>)
/// and in the route reason (<c>intent=code</c>).
/// </summary>
public static class RoutingIntents
{
    /// <summary>Everything without a stronger signal.</summary>
    public const string General = "general";

    /// <summary>Programming: fenced code, stack traces, language and tooling words.</summary>
    public const string Code = "code";

    /// <summary>Needs fresh facts from the web: news, prices, "latest", the current year.</summary>
    public const string Search = "search";

    /// <summary>Asks for careful reasoning: proofs, step-by-step analysis, trade-offs.</summary>
    public const string Reasoning = "reasoning";

    /// <summary>Small, quick work: short answers, classification, extraction, tl;dr.</summary>
    public const string Fast = "fast";

    /// <summary>Images in the conversation and no stronger signal.</summary>
    public const string Vision = "vision";

    /// <summary>An estimated input above <see cref="RoutingOptions.LongContextTokens"/>.</summary>
    public const string LongContext = "long_context";
}
