namespace ThreadSync.Hosting.Endpoints.Anthropic.Wire;

/// <summary><c>tool_choice</c>: <c>{type: auto | any | tool | none, name?, disable_parallel_tool_use?}</c>.</summary>
internal sealed class AnthropicToolChoice
{
    public string? Type { get; set; }

    public string? Name { get; set; }

    public bool? DisableParallelToolUse { get; set; }
}
