using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway.Providers.Internal;

/// <summary>
/// What every built-in adapter shares: its <see cref="ProviderTransport"/>, its metadata, and building a JSON request
/// straight from a <see cref="Utf8JsonWriter"/>. Adapters add the wire format and their own headers.
/// </summary>
internal abstract class ProviderChatClient : IChatClient
{
    private readonly ChatClientMetadata _metadata;

    protected ProviderChatClient(ProviderTransport transport, Uri baseUrl)
    {
        Transport = transport;
        _metadata = new ChatClientMetadata(transport.Provider.ToWireId(), baseUrl);
    }

    protected ProviderTransport Transport { get; }

    public abstract Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default);

    public abstract IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default);

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

    /// <summary>The model the gateway routed to; adapters are only ever called with one.</summary>
    protected string RequireModel(ChatOptions? options) => options?.ModelId ?? throw Transport.Unsupported("No model was given.");

    /// <summary>A POST whose JSON body <paramref name="writeBody"/> writes, accepting JSON or an event stream.</summary>
    protected static HttpRequestMessage CreateJsonRequest<TState>(Uri endpoint, bool stream, TState state, Action<Utf8JsonWriter, TState> writeBody)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writeBody(writer, state);
        }

        var content = new ReadOnlyMemoryContent(buffer.WrittenMemory);
        content.Headers.ContentType = ProviderTransport.JsonContentType;
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content };
        request.Headers.Accept.Add(stream ? ProviderTransport.AcceptEventStream : ProviderTransport.AcceptJson);
        return request;
    }
}
