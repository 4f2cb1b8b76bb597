using System.Numerics;

namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>
/// Remembers recent heuristic outcomes (which candidates of an intent's pool were picked, in order) with their ranked
/// array and reason, so a repeated outcome is served without allocating either. Traffic repeats a handful of
/// outcomes, so a small direct-mapped table is enough; a collision only costs one allocation. Thread-safe: entries are
/// immutable and replaced whole.
/// </summary>
/// <remarks>The ranked arrays are shared between decisions: nothing may write to a decision's candidates.</remarks>
internal sealed class RankedOutcomeCache
{
    /// <summary>The largest pool whose picks can be packed (one byte per pick, zero for none).</summary>
    public const int MaxPoolLength = byte.MaxValue - 1;

    private const int Size = 64;

    private readonly Entry?[] _entries = new Entry?[Size];

    /// <summary>Packs up to eight picked pool indices, best first, into one key (each as index + 1, so zero means none).</summary>
    /// <param name="picked">The picked indices; each at most <see cref="MaxPoolLength"/>.</param>
    /// <returns>The packed picks.</returns>
    public static ulong Pack(ReadOnlySpan<int> picked)
    {
        var packed = 0UL;
        for (var i = 0; i < picked.Length; i++)
        {
            packed |= (ulong)(picked[i] + 1) << (8 * i);
        }

        return packed;
    }

    /// <summary>Finds the entry of an outcome, or <see langword="null"/>.</summary>
    /// <param name="pool">The intent's candidate pool the picks index.</param>
    /// <param name="picks">The picks, from <see cref="Pack"/>.</param>
    /// <param name="intent">The request's intent.</param>
    /// <param name="needs">The capabilities it needs (part of the reason).</param>
    /// <param name="strategy">The policy's strategy (part of the reason).</param>
    /// <returns>The entry, or <see langword="null"/> when this outcome is not cached.</returns>
    public Entry? Find(RouteCandidate[] pool, ulong picks, RequestIntent intent, ModelCapabilities needs, RoutingStrategy strategy)
    {
        var entry = Volatile.Read(ref _entries[Slot(picks, intent, needs)]);
        return entry is not null && entry.Picks == picks && ReferenceEquals(entry.Pool, pool) && entry.Intent == intent
            && entry.Needs == needs && entry.Strategy == strategy
            ? entry
            : null;
    }

    /// <summary>Caches an outcome, replacing whatever shared its slot.</summary>
    /// <param name="entry">The outcome.</param>
    public void Add(Entry entry) => Volatile.Write(ref _entries[Slot(entry.Picks, entry.Intent, entry.Needs)], entry);

    private static int Slot(ulong picks, RequestIntent intent, ModelCapabilities needs) =>
        ((int)BitOperations.RotateLeft(picks * 0x9E3779B97F4A7C15UL, 6) ^ ((int)intent * 5) ^ (int)needs) & (Size - 1);

    /// <summary>One cached outcome.</summary>
    /// <param name="pool">The intent's candidate pool.</param>
    /// <param name="picks">The packed picks.</param>
    /// <param name="intent">The intent.</param>
    /// <param name="needs">The needs.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="ranked">The ranked models, shared by every decision with this outcome.</param>
    /// <param name="reason">The heuristic reason (no prefix).</param>
    public sealed class Entry(RouteCandidate[] pool, ulong picks, RequestIntent intent, ModelCapabilities needs, RoutingStrategy strategy, ModelDescriptor[] ranked, string reason)
    {
        public RouteCandidate[] Pool { get; } = pool;

        public ulong Picks { get; } = picks;

        public RequestIntent Intent { get; } = intent;

        public ModelCapabilities Needs { get; } = needs;

        public RoutingStrategy Strategy { get; } = strategy;

        public ModelDescriptor[] Ranked { get; } = ranked;

        public string Reason { get; } = reason;
    }
}
