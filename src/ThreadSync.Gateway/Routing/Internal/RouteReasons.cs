using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>
/// Builds route reason strings and caches them, so a repeated routing outcome returns the same string without
/// allocating. The cache is bounded; past its size reasons are built per call.
/// </summary>
internal sealed class RouteReasons
{
    /// <summary>The reason of a pinned route.</summary>
    public const string Pinned = "pinned";

    /// <summary>The reason of a default route.</summary>
    public const string Default = "default_model";

    private const int MaxEntries = 4096;

    private readonly ConcurrentDictionary<Key, string> _cache = new();

    /// <summary>Formats the capabilities a request needs, for example <c>tools,vision</c>, or <c>none</c>.</summary>
    public static string FormatNeeds(ModelCapabilities needs)
    {
        if (needs == ModelCapabilities.None)
        {
            return "none";
        }

        var builder = new StringBuilder();
        foreach (var (flag, name) in NeedNames)
        {
            if ((needs & flag) != 0)
            {
                builder.Append(builder.Length == 0 ? string.Empty : ",").Append(name);
            }
        }

        return builder.ToString();
    }

    public string Get(RouteReasonPrefix prefix, RequestIntent intent, ModelCapabilities needs, RoutingStrategy strategy, ModelDescriptor chosen, ModelDescriptor? other = null)
    {
        var key = new Key(prefix, intent, needs, strategy, chosen, other);
        if (_cache.TryGetValue(key, out var reason))
        {
            return reason;
        }

        reason = Build(key);
        if (_cache.Count < MaxEntries)
        {
            _cache.TryAdd(key, reason);
        }

        return reason;
    }

    private static readonly (ModelCapabilities Flag, string Name)[] NeedNames =
    [
        (ModelCapabilities.Tools, "tools"),
        (ModelCapabilities.Vision, "vision"),
        (ModelCapabilities.Json, "json"),
        (ModelCapabilities.Search, "search"),
        (ModelCapabilities.Reasoning, "reasoning"),
    ];

    private static string Build(Key key)
    {
        var heuristic = $"intent={key.Intent.ToName()}; needs={FormatNeeds(key.Needs)}; strategy={StrategyName(key.Strategy)}; chose={key.Chosen.Id}";
        return key.Prefix switch
        {
            RouteReasonPrefix.RouterChose => $"router={key.Other?.Id}; intent={key.Intent.ToName()}; needs={FormatNeeds(key.Needs)}; chose={key.Chosen.Id}",
            RouteReasonPrefix.LlmRouterTimeout => "llm_router_timeout; " + heuristic,
            RouteReasonPrefix.LlmRouterError => "llm_router_error; " + heuristic,
            RouteReasonPrefix.LlmRouterUnknownAnswer => "llm_router_unknown_answer; " + heuristic,
            RouteReasonPrefix.LlmRouterUnavailable => "llm_router_unavailable; " + heuristic,
            RouteReasonPrefix.PinnedUnavailable => $"unavailable={key.Other?.Id}; fallback={key.Chosen.Id}",
            _ => heuristic,
        };
    }

    private static string StrategyName(RoutingStrategy strategy) => strategy switch
    {
        RoutingStrategy.Balanced => "balanced",
        RoutingStrategy.Cost => "cost",
        RoutingStrategy.Latency => "latency",
        _ => "unknown",
    };

    [StructLayout(LayoutKind.Auto)]
    private readonly struct Key(RouteReasonPrefix prefix, RequestIntent intent, ModelCapabilities needs, RoutingStrategy strategy, ModelDescriptor chosen, ModelDescriptor? other)
        : IEquatable<Key>
    {
        public RouteReasonPrefix Prefix { get; } = prefix;

        public RequestIntent Intent { get; } = intent;

        public ModelCapabilities Needs { get; } = needs;

        public RoutingStrategy Strategy { get; } = strategy;

        public ModelDescriptor Chosen { get; } = chosen;

        public ModelDescriptor? Other { get; } = other;

        public bool Equals(Key other) =>
            Prefix == other.Prefix && Intent == other.Intent && Needs == other.Needs && Strategy == other.Strategy
            && ReferenceEquals(Chosen, other.Chosen) && ReferenceEquals(Other, other.Other);

        public override bool Equals(object? obj) => obj is Key key && Equals(key);

        public override int GetHashCode() => HashCode.Combine(
            ((int)Prefix << 24) | ((int)Intent << 16) | ((int)Needs << 8) | (int)Strategy,
            RuntimeHelpers.GetHashCode(Chosen),
            Other is null ? 0 : RuntimeHelpers.GetHashCode(Other));
    }
}
