namespace ThreadSync.Gateway.Providers.OpenAICompatible.Wire;

/// <summary>The function part of a tool call; <see cref="Arguments"/> is a JSON string (possibly a fragment).</summary>
internal sealed class FunctionPayload
{
    public string? Name { get; set; }

    public string? Arguments { get; set; }
}
