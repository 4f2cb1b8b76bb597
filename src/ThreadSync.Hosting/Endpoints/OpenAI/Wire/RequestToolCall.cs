namespace ThreadSync.Hosting.Endpoints.OpenAI.Wire;

/// <summary>A tool call echoed back in an assistant message of the history.</summary>
internal sealed class RequestToolCall
{
    public string? Id { get; set; }

    public string? Type { get; set; }

    public RequestFunction? Function { get; set; }
}
