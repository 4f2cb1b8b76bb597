namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>Turns <see cref="RequestFeatures"/> into an intent and the capabilities a model needs to serve the request.</summary>
internal static class IntentClassifier
{
    /// <summary>
    /// Picks the intent. Long context wins outright (only big windows fit). Otherwise the text category with the
    /// highest keyword score wins, ties going to code, then reasoning, then search, then fast. Search counts only
    /// without tools and images, which search models cannot take. With no text signal: vision when images are
    /// present, else general.
    /// </summary>
    public static RequestIntent Classify(in RequestFeatures features)
    {
        if (features.Has(RequestSignals.LongContext))
        {
            return RequestIntent.LongContext;
        }

        var searchScore = (features.Signals & (RequestSignals.Tools | RequestSignals.Images)) == 0 ? features.SearchScore : 0;
        var intent = RequestIntent.General;
        var best = 0;
        Consider(RequestIntent.Code, features.CodeScore, ref intent, ref best);
        Consider(RequestIntent.Reasoning, features.ReasoningScore, ref intent, ref best);
        Consider(RequestIntent.Search, searchScore, ref intent, ref best);
        Consider(RequestIntent.Fast, features.FastScore, ref intent, ref best);
        if (best == 0 && features.Has(RequestSignals.Images))
        {
            intent = RequestIntent.Vision;
        }

        return intent;
    }

    /// <summary>Gets the capabilities every candidate must have.</summary>
    public static ModelCapabilities Needs(in RequestFeatures features, RequestIntent intent)
    {
        var needs = ModelCapabilities.None;
        if (features.Has(RequestSignals.Tools))
        {
            needs |= ModelCapabilities.Tools;
        }

        if (features.Has(RequestSignals.Images))
        {
            needs |= ModelCapabilities.Vision;
        }

        if (features.Has(RequestSignals.Json))
        {
            needs |= ModelCapabilities.Json;
        }

        if (intent == RequestIntent.Search)
        {
            needs |= ModelCapabilities.Search;
        }

        return needs;
    }

    /// <summary>Gets the output size assumed for context and cost when the request sets no <c>max_tokens</c>.</summary>
    public static int ExpectedOutputTokens(RequestIntent intent) => intent switch
    {
        RequestIntent.Fast => 256,
        RequestIntent.Search or RequestIntent.Vision => 800,
        RequestIntent.Code or RequestIntent.LongContext => 2_000,
        RequestIntent.Reasoning => 4_000,
        _ => 1_000,
    };

    private static void Consider(RequestIntent candidate, int score, ref RequestIntent intent, ref int best)
    {
        if (score > best)
        {
            best = score;
            intent = candidate;
        }
    }
}
