using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Providers.Internal;
using ThreadSync.Gateway.Serialization;

namespace ThreadSync.Gateway.Providers.Gemini;

/// <summary>
/// An <see cref="IChatClient"/> over Gemini's native API (providers.md §3): <c>models/{model}:generateContent</c> and
/// <c>:streamGenerateContent?alt=sse</c>. The key travels in the <c>x-goog-api-key</c> header, never in the URL,
/// where proxies and exception messages would log it.
/// </summary>
internal sealed class GeminiChatClient : ProviderChatClient
{
    public const string DefaultBaseUrl = "https://generativelanguage.googleapis.com/v1beta";

    private readonly Uri _root;
    private readonly string _apiKey;

    public GeminiChatClient(string apiKey, string? baseUrl, ProviderTransport transport)
        : this(apiKey, new Uri((baseUrl ?? DefaultBaseUrl).TrimEnd('/') + "/"), transport)
    {
    }

    private GeminiChatClient(string apiKey, Uri root, ProviderTransport transport)
        : base(transport, root)
    {
        _apiKey = apiKey;
        _root = root;
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(messages, options, stream: false);
        using var response = await Transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var payload = await Transport.ReadJsonAsync(response, GeminiJsonContext.Default.GeminiResponsePayload, cancellationToken).ConfigureAwait(false);
        return GeminiResponseReader.ToChatResponse(payload);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(messages, options, stream: true);
        using var response = await Transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var state = new GeminiStreamState();

        // Gemini ends a stream by closing the connection; after the finish reason that is a normal end.
        var events = Transport.ReadEventsAsync(
            response,
            static (_, data) => JsonSerializer.Deserialize(data, GeminiJsonContext.Default.GeminiResponsePayload),
            () => state.Finished,
            cancellationToken);
        await foreach (var item in events.ConfigureAwait(false))
        {
            if (item.Data is not null && state.Accept(item.Data) is { } update)
            {
                yield return update;
            }
        }

        if (!state.Finished)
        {
            throw Transport.Truncated(null);
        }

        yield return state.Complete();
    }

    private HttpRequestMessage CreateRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        var modelId = RequireModel(options);
        var bare = modelId.StartsWith("models/", StringComparison.Ordinal) ? modelId["models/".Length..] : modelId;
        var path = "models/" + Uri.EscapeDataString(bare) + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
        var request = CreateJsonRequest(
            new Uri(_root, path),
            stream,
            (Transport, bare, messages, options),
            static (writer, s) => GeminiRequestWriter.Write(writer, s.Transport, s.bare, s.messages, s.options));
        request.Headers.TryAddWithoutValidation("x-goog-api-key", _apiKey);
        return request;
    }
}
