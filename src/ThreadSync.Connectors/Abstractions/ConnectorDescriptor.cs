namespace ThreadSync.Connectors;

/// <summary>Describes a connector: which business system it reaches and which unified records it produces.</summary>
public sealed record ConnectorDescriptor
{
    /// <summary>Gets the connector's unique name, for example <c>salesforce</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the kinds of unified records the connector produces.</summary>
    public UnifiedRecordKinds Produces { get; init; }

    /// <summary>Checks the descriptor and returns every problem found (empty when valid).</summary>
    /// <returns>The problems, each naming the field.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name) || Name.Any(char.IsWhiteSpace))
        {
            errors.Add("Name must be non-empty without whitespace.");
        }

        if (Produces == UnifiedRecordKinds.None)
        {
            errors.Add("Produces must name at least one unified record kind.");
        }

        return errors;
    }
}
