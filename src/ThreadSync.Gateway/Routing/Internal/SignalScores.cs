using System.Runtime.InteropServices;

namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>Weighted keyword hits per text category, accumulated by <see cref="KeywordMatcher"/>.</summary>
[StructLayout(LayoutKind.Auto)]
internal struct SignalScores
{
    public int Code;
    public int Search;
    public int Reasoning;
    public int Fast;
    public int Json;

    public readonly RequestSignals Found =>
        (Code > 0 ? RequestSignals.Code : 0)
        | (Search > 0 ? RequestSignals.Search : 0)
        | (Reasoning > 0 ? RequestSignals.Reasoning : 0)
        | (Fast > 0 ? RequestSignals.Fast : 0)
        | (Json > 0 ? RequestSignals.Json : 0);

    public void Add(RequestSignals category, int weight)
    {
        switch (category)
        {
            case RequestSignals.Code: Code += weight; break;
            case RequestSignals.Search: Search += weight; break;
            case RequestSignals.Reasoning: Reasoning += weight; break;
            case RequestSignals.Fast: Fast += weight; break;
            case RequestSignals.Json: Json += weight; break;
            default: break;
        }
    }
}
