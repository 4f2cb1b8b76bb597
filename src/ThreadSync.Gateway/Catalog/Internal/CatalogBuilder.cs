namespace ThreadSync.Gateway.Catalog.Internal;

/// <summary>
/// Turns merged catalog entries into validated <see cref="ModelDescriptor"/>s. Every problem is collected, each
/// naming the model and the source that last touched it, so one failed load shows all there is to fix.
/// </summary>
internal static class CatalogBuilder
{
    public static List<ModelDescriptor> Build(IEnumerable<CatalogSlot> slots, List<string> errors)
    {
        var models = new List<ModelDescriptor>();
        var sources = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var slot in slots)
        {
            if (ToDescriptor(slot.Entry, slot.Source, errors) is { } model)
            {
                models.Add(model);
                sources[model.Id] = slot.Source;
            }
        }

        CheckNames(models, sources, errors);
        return models;
    }

    private static ModelDescriptor? ToDescriptor(CatalogModelOptions entry, string source, List<string> errors)
    {
        var id = entry.Id!;
        var where = $"model '{id}' ({source})";
        var errorCount = errors.Count;

        var provider = default(GatewayProvider);
        if (string.IsNullOrWhiteSpace(entry.Provider))
        {
            errors.Add($"{where}: has no provider");
        }
        else if (!GatewayProviderExtensions.TryParseWireId(entry.Provider, out provider))
        {
            errors.Add($"{where}: unknown provider '{entry.Provider}'");
        }

        var aliases = new List<string>();
        foreach (var alias in entry.Aliases ?? [])
        {
            if (string.IsNullOrWhiteSpace(alias))
            {
                errors.Add($"{where}: has an empty alias");
            }
            else if (!aliases.Contains(alias, StringComparer.OrdinalIgnoreCase) && !string.Equals(alias, id, StringComparison.OrdinalIgnoreCase))
            {
                aliases.Add(alias);
            }
        }

        if (entry.ContextWindow < 0 || entry.MaxOutputTokens < 0)
        {
            errors.Add($"{where}: context_window and max_output_tokens cannot be negative");
        }

        var capabilities = ModelCapabilities.None;
        foreach (var name in entry.Capabilities ?? [])
        {
            if (ParseCapability(name) is { } flag)
            {
                capabilities |= flag;
            }
            else
            {
                errors.Add($"{where}: unknown capability '{name}' (expected tools, vision, reasoning, search or json)");
            }
        }

        var pricing = ToPricing(entry.Pricing, where, errors, allowChanges: true);
        var lifecycle = ToLifecycle(entry.Lifecycle, where, errors);
        if (errors.Count > errorCount)
        {
            return null;
        }

        return new ModelDescriptor
        {
            Id = id,
            Provider = provider,
            Aliases = aliases,
            ContextWindow = entry.ContextWindow ?? 0,
            MaxOutputTokens = entry.MaxOutputTokens ?? 0,
            Capabilities = capabilities,
            Pricing = pricing,
            Lifecycle = lifecycle,
        };
    }

    private static ModelCapabilities? ParseCapability(string? name) => name?.ToUpperInvariant() switch
    {
        "TOOLS" => ModelCapabilities.Tools,
        "VISION" => ModelCapabilities.Vision,
        "REASONING" => ModelCapabilities.Reasoning,
        "SEARCH" => ModelCapabilities.Search,
        "JSON" => ModelCapabilities.Json,
        _ => null,
    };

    private static ModelPricing ToPricing(CatalogPricingOptions? pricing, string where, List<string> errors, bool allowChanges)
    {
        if (pricing is null)
        {
            return ModelPricing.Free;
        }

        CheckPrice(pricing.Input, "pricing.input", where, errors);
        CheckPrice(pricing.Output, "pricing.output", where, errors);
        CheckPrice(pricing.CacheRead, "pricing.cache_read", where, errors);
        CheckPrice(pricing.CacheWrite, "pricing.cache_write", where, errors);
        CheckPrice(pricing.PerRequest, "pricing.per_request", where, errors);

        var input = pricing.Input ?? 0;
        var output = pricing.Output ?? 0;
        LongContextPricing? longContext = null;
        if (pricing.LongContext is { } tier)
        {
            if (tier.AboveInputTokens is not > 0)
            {
                errors.Add($"{where}: pricing.long_context.above_input_tokens must be a positive number of tokens");
            }

            CheckPrice(tier.Input, "pricing.long_context.input", where, errors);
            CheckPrice(tier.Output, "pricing.long_context.output", where, errors);
            CheckPrice(tier.CacheRead, "pricing.long_context.cache_read", where, errors);
            CheckPrice(tier.CacheWrite, "pricing.long_context.cache_write", where, errors);
            longContext = new LongContextPricing
            {
                AboveInputTokens = tier.AboveInputTokens ?? 0,
                InputPerMillion = tier.Input ?? input,
                OutputPerMillion = tier.Output ?? output,
                CacheReadPerMillion = tier.CacheRead,
                CacheWritePerMillion = tier.CacheWrite,
            };
        }

        SearchContextFees? searchFees = null;
        if (pricing.SearchContextFees is { } fees)
        {
            if (fees.Low is null || fees.Medium is null || fees.High is null)
            {
                errors.Add($"{where}: pricing.search_context_fees needs low, medium and high");
            }

            CheckPrice(fees.Low, "pricing.search_context_fees.low", where, errors);
            CheckPrice(fees.Medium, "pricing.search_context_fees.medium", where, errors);
            CheckPrice(fees.High, "pricing.search_context_fees.high", where, errors);
            searchFees = new SearchContextFees { Low = fees.Low ?? 0, Medium = fees.Medium ?? 0, High = fees.High ?? 0 };
        }

        var result = new ModelPricing
        {
            InputPerMillion = input,
            OutputPerMillion = output,
            CacheReadPerMillion = pricing.CacheRead,
            CacheWritePerMillion = pricing.CacheWrite,
            PerRequest = pricing.PerRequest ?? 0,
            LongContext = longContext,
            SearchContextFees = searchFees,
        };

        if (pricing.PriceChanges is not { Count: > 0 } changes)
        {
            return result;
        }

        if (!allowChanges)
        {
            errors.Add($"{where}: a price change cannot hold price changes of its own");
            return result;
        }

        // Changes are cumulative: each is merged over the prices in force before it (the base, then earlier changes).
        var scheduled = new List<ModelPriceChange>();
        var inForce = pricing;
        foreach (var change in changes.OrderBy(static c => c.EffectiveFrom))
        {
            if (change.EffectiveFrom is not { } from || change.Pricing is null)
            {
                errors.Add($"{where}: every pricing.price_changes entry needs effective_from and pricing");
                continue;
            }

            if (scheduled.Exists(c => c.EffectiveFrom == from))
            {
                errors.Add($"{where}: two price changes take effect on {from:yyyy-MM-dd}");
                continue;
            }

            var merged = CatalogMerger.Merge(inForce, change.Pricing)!;
            merged.PriceChanges = change.Pricing.PriceChanges;
            scheduled.Add(new ModelPriceChange { EffectiveFrom = from, Pricing = ToPricing(merged, $"{where} price change of {from:yyyy-MM-dd}", errors, allowChanges: false) });
            merged.PriceChanges = null;
            inForce = merged;
        }

        return result with { PriceChanges = scheduled };
    }

    private static void CheckPrice(decimal? price, string field, string where, List<string> errors)
    {
        if (price < 0)
        {
            errors.Add($"{where}: {field} cannot be negative ({price})");
        }
    }

    private static ModelLifecycle ToLifecycle(CatalogLifecycleOptions? lifecycle, string where, List<string> errors)
    {
        if (lifecycle is null)
        {
            return ModelLifecycle.Active;
        }

        var status = lifecycle.Status?.ToUpperInvariant() switch
        {
            null or "ACTIVE" => ModelLifecycleStatus.Active,
            "DEPRECATED" => ModelLifecycleStatus.Deprecated,
            "RETIRED" => ModelLifecycleStatus.Retired,
            _ => (ModelLifecycleStatus?)null,
        };
        if (status is null)
        {
            errors.Add($"{where}: unknown lifecycle status '{lifecycle.Status}' (expected active, deprecated or retired)");
        }

        if (lifecycle.DeprecatedOn > lifecycle.RetiresOn)
        {
            errors.Add($"{where}: lifecycle.deprecated_on is after lifecycle.retires_on");
        }

        if (lifecycle.Replacement is { } replacement && string.IsNullOrWhiteSpace(replacement))
        {
            errors.Add($"{where}: lifecycle.replacement is empty");
        }

        return new ModelLifecycle
        {
            Status = status ?? ModelLifecycleStatus.Active,
            DeprecatedOn = lifecycle.DeprecatedOn,
            RetiresOn = lifecycle.RetiresOn,
            Replacement = string.IsNullOrWhiteSpace(lifecycle.Replacement) ? null : lifecycle.Replacement,
        };
    }

    /// <summary>Checks that every id and alias names one model, and that replacements exist and do not go round in a cycle.</summary>
    private static void CheckNames(List<ModelDescriptor> models, Dictionary<string, string> sources, List<string> errors)
    {
        var byName = new Dictionary<string, ModelDescriptor>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in models)
        {
            byName[model.Id] = model;
        }

        foreach (var model in models)
        {
            foreach (var alias in model.Aliases)
            {
                if (!byName.TryAdd(alias, model))
                {
                    var owner = byName[alias];
                    var what = string.Equals(owner.Id, alias, StringComparison.OrdinalIgnoreCase) ? "the id of" : "already an alias of";
                    errors.Add($"model '{model.Id}' ({sources[model.Id]}): alias '{alias}' is {what} model '{owner.Id}' ({sources[owner.Id]})");
                }
            }
        }

        var inCycle = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in models)
        {
            if (model.Lifecycle.Replacement is not { } replacement)
            {
                continue;
            }

            if (!byName.TryGetValue(replacement, out var target))
            {
                errors.Add($"model '{model.Id}' ({sources[model.Id]}): replacement '{replacement}' is not in the catalog");
                continue;
            }

            var chain = new List<string> { model.Id };
            while (target is not null && !inCycle.Contains(target.Id))
            {
                var seenAt = chain.FindIndex(id => string.Equals(id, target.Id, StringComparison.OrdinalIgnoreCase));
                if (seenAt >= 0)
                {
                    var cycle = chain[seenAt..];
                    inCycle.UnionWith(cycle);
                    errors.Add($"models {string.Join(", ", cycle.Select(id => $"'{id}'"))}: replacements form a cycle ({string.Join(" -> ", cycle)} -> {cycle[0]})");
                    break;
                }

                chain.Add(target.Id);
                target = target.Lifecycle.Replacement is { } next && byName.TryGetValue(next, out var nextModel) ? nextModel : null;
            }
        }
    }
}
