namespace ThreadSync.Hosting.Endpoints.OpenAI.Wire;

/// <summary><c>stream_options</c>.</summary>
internal sealed class RequestStreamOptions
{
    public bool? IncludeUsage { get; set; }
}
