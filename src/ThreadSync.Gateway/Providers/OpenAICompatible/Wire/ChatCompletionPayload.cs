using System.Text.Json;

namespace ThreadSync.Gateway.Providers.OpenAICompatible.Wire;

/// <summary>A <c>chat.completion</c> or <c>chat.completion.chunk</c> body from an OpenAI-compatible provider.</summary>
internal sealed class ChatCompletionPayload
{
    public string? Id { get; set; }

    public string? Object { get; set; }

    public long? Created { get; set; }

    public string? Model { get; set; }

    public List<ChoicePayload>? Choices { get; set; }

    public UsagePayload? Usage { get; set; }

    /// <summary>xAI and Perplexity: top-level list of source URLs.</summary>
    public List<string>? Citations { get; set; }

    /// <summary>Perplexity: top-level search results.</summary>
    public List<SearchResultPayload>? SearchResults { get; set; }

    /// <summary>An error object (mid-stream) or string (xAI's flat shape, even with HTTP 200).</summary>
    public JsonElement? Error { get; set; }
}
