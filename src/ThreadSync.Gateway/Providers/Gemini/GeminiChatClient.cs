using System.Buffers;
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
internal sealed class GeminiChatClient : IChatClient
{
    public const string DefaultBaseUrl = "https://generativelanguage.googleapis.com/v1beta";

    private readonly ProviderTransport _transport;
    private readonly Uri _root;
    private readonly string _apiKey;
    private readonly IModelCatalog _catalog;
    private readonly ChatClientMetadata _metadata;

    public GeminiChatClient(string apiKey, string? baseUrl, ProviderTransport transport, IModelCatalog catalog)
    {
        _apiKey = apiKey;
        _transport = transport;
        _catalog = catalog;
        _root = new Uri((baseUrl ?? DefaultBaseUrl).TrimEnd('/') + "/");
        _metadata = new ChatClientMetadata(GatewayProvider.Gemini.ToWireId(), _root);
    }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(messages, options, stream: false);
        using var response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var payload = await _transport.ReadJsonAsync(response, GeminiJsonContext.Default.GeminiResponsePayload, cancellationToken).ConfigureAwait(false);
        return GeminiResponseReader.ToChatResponse(payload);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(messages, options, stream: true);
        using var response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var state = new GeminiStreamState();

        // Gemini ends a stream by closing the connection; after the finish reason that is a normal end.
        var events = _transport.ReadEventsAsync(
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
            throw _transport.Truncated(null);
        }

        yield return state.Complete();
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        // HttpClient instances come from IHttpClientFactory, which owns their handlers.
    }

    private HttpRequestMessage CreateRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        var modelId = options?.ModelId ?? throw _transport.Unsupported("No model was given.");
        var bare = modelId.StartsWith("models/", StringComparison.Ordinal) ? modelId["models/".Length..] : modelId;
        var path = "models/" + Uri.EscapeDataString(bare) + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            GeminiRequestWriter.Write(writer, _transport, bare, messages, options);
        }

        var content = new ReadOnlyMemoryContent(buffer.WrittenMemory);
        content.Headers.ContentType = ProviderTransport.JsonContentType;
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_root, path)) { Content = content };
        request.Headers.TryAddWithoutValidation("x-goog-api-key", _apiKey);
        request.Headers.Accept.Add(stream ? ProviderTransport.AcceptEventStream : ProviderTransport.AcceptJson);
        return request;
    }
}
