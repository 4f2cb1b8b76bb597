using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Providers.Internal;
using ThreadSync.Gateway.Serialization;

namespace ThreadSync.Gateway.Providers.Anthropic;

/// <summary>
/// An <see cref="IChatClient"/> over Anthropic's Messages API (<c>POST /v1/messages</c>, providers.md §1): the key in
/// <c>x-api-key</c>, <c>anthropic-version: 2023-06-01</c>, non-stream and SSE responses.
/// </summary>
/// <remarks>Failures surface as <see cref="ProviderException"/>; the key never appears in a message.</remarks>
internal sealed class AnthropicChatClient : IChatClient
{
    public const string DefaultBaseUrl = "https://api.anthropic.com";
    public const string ApiVersion = "2023-06-01";

    private readonly ProviderTransport _transport;
    private readonly Uri _endpoint;
    private readonly string _apiKey;
    private readonly IModelCatalog _catalog;
    private readonly ChatClientMetadata _metadata;

    public AnthropicChatClient(string apiKey, string? baseUrl, ProviderTransport transport, IModelCatalog catalog)
    {
        _apiKey = apiKey;
        _transport = transport;
        _catalog = catalog;
        var root = new Uri((baseUrl ?? DefaultBaseUrl).TrimEnd('/') + "/");
        _endpoint = new Uri(root, "v1/messages");
        _metadata = new ChatClientMetadata(GatewayProvider.Anthropic.ToWireId(), root);
    }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(messages, options, stream: false);
        using var response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var payload = await _transport.ReadJsonAsync(response, GatewayJsonContext.Default.AnthropicMessagePayload, cancellationToken).ConfigureAwait(false);
        return AnthropicResponseReader.ToChatResponse(payload);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(messages, options, stream: true);
        using var response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var state = new AnthropicStreamState();
        var events = _transport.ReadEventsAsync(
            response,
            static (_, data) => JsonSerializer.Deserialize(data, GatewayJsonContext.Default.AnthropicStreamEventPayload),
            () => state.Finished,
            cancellationToken);
        await foreach (var item in events.ConfigureAwait(false))
        {
            if (item.Data is not null && state.Accept(item.EventType, item.Data) is { } update)
            {
                yield return update;
            }

            if (state.Stopped)
            {
                break;
            }
        }

        if (!state.Finished)
        {
            throw _transport.Truncated(null);
        }

        if (state.Complete() is { } last)
        {
            yield return last;
        }
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
        _catalog.TryResolve(modelId, out var model);

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            AnthropicRequestWriter.Write(writer, _transport, modelId, model, messages, options, stream);
        }

        var content = new ReadOnlyMemoryContent(buffer.WrittenMemory);
        content.Headers.ContentType = ProviderTransport.JsonContentType;
        var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = content };
        request.Headers.TryAddWithoutValidation("x-api-key", _apiKey);
        request.Headers.TryAddWithoutValidation("anthropic-version", ApiVersion);
        if (options?.AdditionalProperties?.TryGetValue(GatewayOptionKeys.AnthropicBeta, out var beta) == true && beta is string { Length: > 0 } flags)
        {
            request.Headers.TryAddWithoutValidation("anthropic-beta", flags);
        }

        request.Headers.Accept.Add(stream ? ProviderTransport.AcceptEventStream : ProviderTransport.AcceptJson);
        return request;
    }
}
