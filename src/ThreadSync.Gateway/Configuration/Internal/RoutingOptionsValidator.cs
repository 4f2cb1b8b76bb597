using Microsoft.Extensions.Options;
using ThreadSync.Gateway.Routing.Internal;

namespace ThreadSync.Gateway.Configuration.Internal;

/// <summary>
/// Checks <c>ThreadSync:Routing</c> against the catalog before the gateway takes traffic: every model id known (and
/// not retired where it would be routed to), every intent name known, the router model set when a mode needs it.
/// Collects every problem, each naming its configuration key.
/// </summary>
internal sealed class RoutingOptionsValidator : IValidateOptions<GatewayOptions>
{
    private const string Prefix = GatewayOptions.SectionName + ":Routing";

    private readonly IModelCatalog _catalog;

    public RoutingOptionsValidator(IModelCatalog catalog) => _catalog = catalog;

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var routing = options.Routing;
        if (routing is null)
        {
            return ValidateOptionsResult.Fail($"{Prefix} must not be null.");
        }

        var errors = new List<string>();
        CheckEnum(routing.Mode, $"{Prefix}:Mode", errors);
        CheckEnum(routing.Strategy, $"{Prefix}:Strategy", errors);
        CheckEnum(routing.RetiredModels, $"{Prefix}:RetiredModels", errors);
        if (routing.RouterTimeout <= TimeSpan.Zero || routing.RouterTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{Prefix}:RouterTimeout must be between 00:00:00.001 and 00:01:00.");
        }

        if (routing.LongContextTokens <= 0)
        {
            errors.Add($"{Prefix}:LongContextTokens must be a positive number of tokens.");
        }

        var needsRouter = routing.Mode == RoutingMode.LlmRouter;
        if (routing.RouterModel is { } router)
        {
            CheckModel(router, $"{Prefix}:RouterModel", errors);
        }

        CheckIntents(routing.Intents, $"{Prefix}:Intents", errors);

        foreach (var (model, chain) in routing.Fallbacks ?? new Dictionary<string, IList<string>>())
        {
            if (!_catalog.TryResolve(model, out _))
            {
                errors.Add($"{Prefix}:Fallbacks:{model} is keyed by '{model}', which is not in the model catalog.");
            }

            CheckModels(chain, $"{Prefix}:Fallbacks:{model}", errors);
        }

        foreach (var (org, overrides) in routing.Orgs ?? new Dictionary<string, OrgRoutingOptions>())
        {
            var orgPrefix = $"{Prefix}:Orgs:{org}";
            if (string.IsNullOrWhiteSpace(org))
            {
                errors.Add($"{Prefix}:Orgs has an empty organization id.");
            }

            if (overrides is null)
            {
                continue;
            }

            if (overrides.Mode is { } mode)
            {
                CheckEnum(mode, $"{orgPrefix}:Mode", errors);
                needsRouter |= mode == RoutingMode.LlmRouter;
            }

            if (overrides.Strategy is { } strategy)
            {
                CheckEnum(strategy, $"{orgPrefix}:Strategy", errors);
            }

            if (overrides.RetiredModels is { } retired)
            {
                CheckEnum(retired, $"{orgPrefix}:RetiredModels", errors);
            }

            CheckIntents(overrides.Intents, $"{orgPrefix}:Intents", errors);
            if (overrides.AllowedModels is { } allowed)
            {
                CheckModels(allowed, $"{orgPrefix}:AllowedModels", errors);
            }
        }

        if (needsRouter && string.IsNullOrWhiteSpace(routing.RouterModel))
        {
            errors.Add($"{Prefix}:RouterModel must name a model when a routing mode (default or per org) is {nameof(RoutingMode.LlmRouter)}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckEnum<TEnum>(TEnum value, string key, List<string> errors)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            errors.Add($"{key} must be one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
        }
    }

    private void CheckIntents(IDictionary<string, IList<string>>? intents, string prefix, List<string> errors)
    {
        foreach (var (intent, models) in intents ?? new Dictionary<string, IList<string>>())
        {
            if (!RequestIntents.TryParse(intent, out _))
            {
                errors.Add($"{prefix}:{intent} is not an intent; use {string.Join(", ", RequestIntents.All.Select(i => i.ToName()))}.");
            }

            CheckModels(models, $"{prefix}:{intent}", errors);
        }
    }

    private void CheckModels(IList<string>? models, string prefix, List<string> errors)
    {
        if (models is null)
        {
            return;
        }

        for (var i = 0; i < models.Count; i++)
        {
            CheckModel(models[i], $"{prefix}:{i}", errors);
        }
    }

    private void CheckModel(string? model, string key, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            errors.Add($"{key} must name a model.");
        }
        else if (!_catalog.TryResolve(model, out var descriptor))
        {
            errors.Add($"{key} names '{model}', which is not in the model catalog.");
        }
        else if (descriptor.Lifecycle.Status == ModelLifecycleStatus.Retired)
        {
            errors.Add($"{key} names '{model}', which is retired{(descriptor.Lifecycle.Replacement is { } replacement ? $"; use '{replacement}'" : string.Empty)}.");
        }
    }
}
