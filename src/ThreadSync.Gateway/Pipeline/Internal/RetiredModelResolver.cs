using System.Globalization;

namespace ThreadSync.Gateway.Pipeline.Internal;

/// <summary>
/// Applies the retired-model policy to a model a request names: a model whose shutdown date has passed is either served
/// by its catalog replacement (followed until a live model) or refused with 410 naming the replacement.
/// </summary>
internal sealed class RetiredModelResolver
{
    private const int MaxReplacementHops = 8;

    private readonly IModelCatalog _catalog;

    public RetiredModelResolver(IModelCatalog catalog)
    {
        _catalog = catalog;
    }

    /// <summary>Returns the name to route: <paramref name="name"/> itself, or the id of its live replacement.</summary>
    /// <param name="name">The id or alias the caller sent.</param>
    /// <param name="handling">The caller's policy.</param>
    /// <param name="today">The request's date (UTC), against which retirement dates are checked.</param>
    /// <param name="remappedFrom">The retired catalog id, when the name was remapped.</param>
    /// <exception cref="GatewayException">410 <c>model_retired</c>: the policy refuses retired models, or no live replacement exists.</exception>
    public string Resolve(string name, RetiredModelHandling handling, DateOnly today, out string? remappedFrom)
    {
        remappedFrom = null;
        if (!_catalog.TryResolve(name, out var model))
        {
            return name;
        }

        if (model.Lifecycle.StatusOn(today) != ModelLifecycleStatus.Retired)
        {
            return name;
        }

        var replacement = LiveReplacement(model, today);
        if (handling == RetiredModelHandling.Refuse || replacement is null)
        {
            throw Retired(model, replacement);
        }

        remappedFrom = model.Id;
        return replacement.Id;
    }

    private static GatewayException Retired(ModelDescriptor model, ModelDescriptor? replacement)
    {
        var when = model.Lifecycle.RetiresOn is { } date ? " on " + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : string.Empty;
        var instead = replacement is null ? " The catalog names no replacement that is still served." : $" Use '{replacement.Id}' instead.";
        return new GatewayException(410, GatewayErrorCodes.ModelRetired, $"The model '{model.Id}' was retired by its provider{when}.{instead}", param: "model");
    }

    private ModelDescriptor? LiveReplacement(ModelDescriptor model, DateOnly today)
    {
        var current = model;
        for (var hop = 0; hop < MaxReplacementHops; hop++)
        {
            if (current.Lifecycle.Replacement is not { } next || !_catalog.TryResolve(next, out var replacement))
            {
                return null;
            }

            if (replacement.Lifecycle.StatusOn(today) != ModelLifecycleStatus.Retired)
            {
                return replacement;
            }

            current = replacement;
        }

        return null;
    }
}
