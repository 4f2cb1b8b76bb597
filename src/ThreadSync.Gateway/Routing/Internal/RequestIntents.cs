namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>Names and parsing of <see cref="RequestIntent"/>.</summary>
internal static class RequestIntents
{
    /// <summary>The number of table slots indexed by <see cref="RequestIntent"/> (including <see cref="RequestIntent.None"/>).</summary>
    public const int Count = (int)RequestIntent.LongContext + 1;

    /// <summary>The routable intents, in the order preference lists are merged for the router model's shortlist.</summary>
    public static readonly RequestIntent[] All =
    [
        RequestIntent.Code,
        RequestIntent.Reasoning,
        RequestIntent.General,
        RequestIntent.Fast,
        RequestIntent.Search,
        RequestIntent.Vision,
        RequestIntent.LongContext,
    ];

    public static string ToName(this RequestIntent intent) => intent switch
    {
        RequestIntent.General => RoutingIntents.General,
        RequestIntent.Code => RoutingIntents.Code,
        RequestIntent.Search => RoutingIntents.Search,
        RequestIntent.Reasoning => RoutingIntents.Reasoning,
        RequestIntent.Fast => RoutingIntents.Fast,
        RequestIntent.Vision => RoutingIntents.Vision,
        RequestIntent.LongContext => RoutingIntents.LongContext,
        _ => "none",
    };

    public static bool TryParse(string? name, out RequestIntent intent)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.ToName(), name, StringComparison.OrdinalIgnoreCase))
            {
                intent = candidate;
                return true;
            }
        }

        intent = RequestIntent.None;
        return false;
    }
}
