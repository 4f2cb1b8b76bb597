namespace ThreadSync.Runtime;

/// <summary>
/// What an automation declares before it may run: its inputs and outputs, the permissions it needs (default
/// deny: anything not listed is refused), the hosts it may reach, and its resource limits.
/// </summary>
public sealed record AutomationContract
{
    /// <summary>Gets the automation's name: lowercase letters, digits and dashes.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the names of the inputs it takes.</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>Gets the names of the outputs it produces.</summary>
    public IReadOnlyList<string> Outputs { get; init; } = [];

    /// <summary>Gets the permissions it needs, for example <c>ai.chat</c> or <c>connector.read:crm</c>.</summary>
    public IReadOnlyList<string> Permissions { get; init; } = [];

    /// <summary>Gets the hosts it may connect to (the egress allowlist); empty means no network.</summary>
    public IReadOnlyList<string> EgressAllowlist { get; init; } = [];

    /// <summary>Gets its resource limits.</summary>
    public ResourceLimits Limits { get; init; } = new();

    /// <summary>Checks the contract and returns every problem found (empty when valid).</summary>
    /// <returns>The problems, each naming the field.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(Name) || !Name.All(static c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            errors.Add("Name must be non-empty lowercase letters, digits and dashes.");
        }

        AddDuplicates(errors, nameof(Inputs), Inputs);
        AddDuplicates(errors, nameof(Outputs), Outputs);
        AddDuplicates(errors, nameof(Permissions), Permissions);
        foreach (var host in EgressAllowlist)
        {
            if (Uri.CheckHostName(host.TrimStart('*', '.')) == UriHostNameType.Unknown)
            {
                errors.Add($"EgressAllowlist entry '{host}' is not a host name.");
            }
        }

        if (Limits.MaxMemoryBytes <= 0)
        {
            errors.Add("Limits.MaxMemoryBytes must be positive.");
        }

        if (Limits.MaxCpuTime <= TimeSpan.Zero || Limits.MaxWallTime <= TimeSpan.Zero)
        {
            errors.Add("Limits.MaxCpuTime and Limits.MaxWallTime must be positive.");
        }

        return errors;
    }

    private static void AddDuplicates(List<string> errors, string field, IReadOnlyList<string> values)
    {
        foreach (var duplicate in values.GroupBy(static v => v, StringComparer.Ordinal).Where(static g => g.Count() > 1))
        {
            errors.Add($"{field} lists '{duplicate.Key}' more than once.");
        }
    }
}
