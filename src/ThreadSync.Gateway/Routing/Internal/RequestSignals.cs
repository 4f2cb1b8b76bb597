namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>What <see cref="RequestFeatureAnalyzer"/> found in a request.</summary>
[Flags]
internal enum RequestSignals
{
    /// <summary>Nothing notable.</summary>
    None = 0,

    /// <summary>Programming: fenced code, stack traces, language and tooling words.</summary>
    Code = 1 << 0,

    /// <summary>Needs fresh facts: news, prices, "latest", a recent year.</summary>
    Search = 1 << 1,

    /// <summary>Asks for careful reasoning: proofs, step by step, trade-offs.</summary>
    Reasoning = 1 << 2,

    /// <summary>Small, quick work: short answers, classification, extraction.</summary>
    Fast = 1 << 3,

    /// <summary>JSON output: a JSON response format, or JSON asked for in the text.</summary>
    Json = 1 << 4,

    /// <summary>At least one image anywhere in the conversation.</summary>
    Images = 1 << 5,

    /// <summary>The request offers tools.</summary>
    Tools = 1 << 6,

    /// <summary>The estimated input is at or above the long-context threshold.</summary>
    LongContext = 1 << 7,

    /// <summary>The request sets a structured JSON response format (not only a hint in the text).</summary>
    JsonResponseFormat = 1 << 8,

    /// <summary>The categories keywords score (the text-derived intents).</summary>
    TextCategories = Code | Search | Reasoning | Fast | Json,
}
