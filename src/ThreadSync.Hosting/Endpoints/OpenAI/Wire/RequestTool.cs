namespace ThreadSync.Hosting.Endpoints.OpenAI.Wire;

/// <summary>A tool definition: <c>{type:"function", function:{…}}</c>.</summary>
internal sealed class RequestTool
{
    public string? Type { get; set; }

    public RequestFunction? Function { get; set; }
}
