using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>
/// The observed latency of each catalog model as an exponentially weighted moving average, read by the
/// <see cref="RoutingStrategy.Latency"/> strategy.
/// </summary>
/// <remarks>
/// Lock-free and thread-safe: each model's average is one 64-bit cell updated with a compare-and-swap loop, so
/// concurrent samples are never lost. Feed it time to first token for streams and total time otherwise. Models
/// outside the catalog are ignored. Reads and writes do not allocate.
/// </remarks>
internal sealed class ModelLatencyTracker
{
    /// <summary>The default weight of a new sample.</summary>
    public const double DefaultAlpha = 0.2;

    private static readonly long Unobserved = BitConverter.DoubleToInt64Bits(double.NaN);

    private readonly double _alpha;
    private readonly FrozenDictionary<string, Cell> _byName;
    private readonly FrozenDictionary<ModelDescriptor, Cell> _byModel;

    public ModelLatencyTracker(IModelCatalog catalog)
        : this(catalog, DefaultAlpha)
    {
    }

    internal ModelLatencyTracker(IModelCatalog catalog, double alpha)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(alpha);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(alpha, 1d);
        _alpha = alpha;
        var byModel = new Dictionary<ModelDescriptor, Cell>(ReferenceEqualityComparer.Instance);
        var byName = new Dictionary<string, Cell>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in catalog.Models)
        {
            var cell = new Cell();
            byModel[model] = cell;
            byName.TryAdd(model.Id, cell);
        }

        _byModel = byModel.ToFrozenDictionary(ReferenceEqualityComparer.Instance);
        _byName = byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Records one observed latency of a model, by catalog id.</summary>
    /// <returns><see langword="false"/> when the id is not a catalog model or the latency is negative.</returns>
    public bool Record(string modelId, TimeSpan latency) =>
        modelId is not null && _byName.TryGetValue(modelId, out var cell) && Update(cell, latency);

    /// <summary>Records one observed latency of a catalog model.</summary>
    /// <returns><see langword="false"/> when the model is not in the catalog or the latency is negative.</returns>
    public bool Record(ModelDescriptor model, TimeSpan latency) =>
        model is not null && TryGetCell(model, out var cell) && Update(cell, latency);

    /// <summary>Gets the average latency of a model, when observed.</summary>
    public bool TryGetLatency(ModelDescriptor model, out TimeSpan latency)
    {
        var ms = GetMilliseconds(model);
        latency = double.IsNaN(ms) ? TimeSpan.Zero : TimeSpan.FromMilliseconds(ms);
        return !double.IsNaN(ms);
    }

    /// <summary>Gets how many samples a model has had.</summary>
    public long GetSampleCount(ModelDescriptor model) =>
        TryGetCell(model, out var cell) ? Interlocked.Read(ref cell.Count) : 0;

    /// <summary>Gets the average latency of a model in milliseconds, or <see cref="double.NaN"/> when never observed.</summary>
    internal double GetMilliseconds(ModelDescriptor model) =>
        TryGetCell(model, out var cell) ? BitConverter.Int64BitsToDouble(Volatile.Read(ref cell.Bits)) : double.NaN;

    private bool Update(Cell cell, TimeSpan latency)
    {
        var sample = latency.TotalMilliseconds;
        if (!(sample >= 0) || double.IsInfinity(sample))
        {
            return false;
        }

        while (true)
        {
            var currentBits = Volatile.Read(ref cell.Bits);
            var current = BitConverter.Int64BitsToDouble(currentBits);
            var next = double.IsNaN(current) ? sample : current + (_alpha * (sample - current));
            if (Interlocked.CompareExchange(ref cell.Bits, BitConverter.DoubleToInt64Bits(next), currentBits) == currentBits)
            {
                break;
            }
        }

        Interlocked.Increment(ref cell.Count);
        return true;
    }

    // By reference first (no hashing of the id); by id for descriptors of a reloaded catalog snapshot.
    private bool TryGetCell(ModelDescriptor model, [NotNullWhen(true)] out Cell? cell) =>
        _byModel.TryGetValue(model, out cell) || _byName.TryGetValue(model.Id, out cell);

    private sealed class Cell
    {
        public long Bits = Unobserved;
        public long Count;
    }
}
