namespace ThreadSync.Gateway.Governance;

/// <summary>
/// Which providers and models a key (or every key of an org) may use. Empty allowlists allow everything; the
/// denylist always wins. Entries are provider wire ids (<c>openai</c>, <c>anthropic</c>) and catalog model ids or
/// aliases, case-insensitive, with <c>*</c> matching any run of characters (<c>claude-*</c>, <c>*mini*</c>).
/// </summary>
public sealed record AccessRules
{
    /// <summary>Gets rules that allow everything.</summary>
    public static AccessRules AllowAll { get; } = new();

    /// <summary>Gets the providers allowed; empty for all.</summary>
    public IReadOnlyList<string> AllowedProviders { get; init; } = [];

    /// <summary>Gets the models allowed; empty for all.</summary>
    public IReadOnlyList<string> AllowedModels { get; init; } = [];

    /// <summary>Gets the models refused even when an allowlist matches them.</summary>
    public IReadOnlyList<string> DeniedModels { get; init; } = [];

    /// <summary>Gets a value indicating whether the rules restrict anything.</summary>
    public bool IsRestrictive => AllowedProviders.Count > 0 || AllowedModels.Count > 0 || DeniedModels.Count > 0;

    /// <summary>Decides whether a model may be used, and if not, which rule refuses it.</summary>
    /// <param name="provider">The model's provider wire id.</param>
    /// <param name="modelId">The catalog model id.</param>
    /// <param name="aliases">The model's aliases, which allow and deny entries may name instead of the id.</param>
    /// <param name="refusal">The rule that refuses the model (for example <c>allowed_models [gpt-*]</c>), or <see langword="null"/>.</param>
    /// <returns>Whether the model is allowed.</returns>
    public bool Allows(string provider, string modelId, IReadOnlyList<string> aliases, out string? refusal)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(modelId);
        ArgumentNullException.ThrowIfNull(aliases);
        if (MatchesAny(DeniedModels, modelId, aliases))
        {
            refusal = $"denied_models [{string.Join(", ", DeniedModels)}]";
            return false;
        }

        if (AllowedProviders.Count > 0 && !AllowedProviders.Any(p => Wildcard.Matches(p, provider)))
        {
            refusal = $"allowed_providers [{string.Join(", ", AllowedProviders)}]";
            return false;
        }

        if (AllowedModels.Count > 0 && !MatchesAny(AllowedModels, modelId, aliases))
        {
            refusal = $"allowed_models [{string.Join(", ", AllowedModels)}]";
            return false;
        }

        refusal = null;
        return true;
    }

    private static bool MatchesAny(IReadOnlyList<string> patterns, string modelId, IReadOnlyList<string> aliases)
    {
        foreach (var pattern in patterns)
        {
            if (Wildcard.Matches(pattern, modelId))
            {
                return true;
            }

            foreach (var alias in aliases)
            {
                if (Wildcard.Matches(pattern, alias))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
