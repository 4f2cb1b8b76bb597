using System.Buffers;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Providers.Internal;
using ThreadSync.Gateway.Providers.OpenAICompatible.Wire;
using ThreadSync.Gateway.Serialization;

namespace ThreadSync.Gateway.Providers.OpenAICompatible;

/// <summary>
/// An <see cref="IChatClient"/> over any OpenAI-compatible Chat Completions endpoint (OpenAI, xAI, Perplexity),
/// with each provider's quirks taken from its <see cref="OpenAICompatibleDialect"/>.
/// </summary>
/// <remarks>
/// Failures surface as <see cref="ProviderException"/>; the gateway turns them into client-safe errors.
/// The API key travels only in this provider's <c>Authorization</c> header and never appears in a message.
/// </remarks>
internal sealed class OpenAICompatibleChatClient : IChatClient
{
    private static readonly byte[] DoneSentinel = "[DONE]"u8.ToArray();

    private readonly ProviderTransport _transport;
    private readonly OpenAICompatibleDialect _dialect;
    private readonly Uri _endpoint;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly IModelCatalog _catalog;
    private readonly ChatClientMetadata _metadata;

    public OpenAICompatibleChatClient(OpenAICompatibleDialect dialect, string apiKey, string? baseUrl, ProviderTransport transport, IModelCatalog catalog)
    {
        _dialect = dialect;
        _transport = transport;
        _catalog = catalog;
        var root = (baseUrl ?? dialect.DefaultBaseUrl).TrimEnd('/') + "/";
        _endpoint = new Uri(new Uri(root), dialect.ChatPath);
        _authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        _metadata = new ChatClientMetadata(dialect.Provider.ToWireId(), new Uri(root));
    }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(messages, options, stream: false);
        using var response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var payload = await _transport.ReadJsonAsync(response, GatewayJsonContext.Default.ChatCompletionPayload, cancellationToken).ConfigureAwait(false);
        return OpenAICompatibleResponseReader.ToChatResponse(payload, _dialect);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(messages, options, stream: true);
        using var response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var state = new OpenAICompatibleStreamState(_dialect);
        var sawDone = false;
        await foreach (var item in _transport.ReadEventsAsync(response, static (_, data) => ParseEvent(data), () => state.Finished, cancellationToken).ConfigureAwait(false))
        {
            if (item.Data is null)
            {
                sawDone = true;
                break;
            }

            if (state.Accept(item.Data) is { } update)
            {
                yield return update;
            }
        }

        if (!sawDone && !state.Finished)
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

    private static ChatCompletionPayload? ParseEvent(ReadOnlySpan<byte> data)
    {
        var trimmed = data.Trim((byte)' ');
        return trimmed.SequenceEqual(DoneSentinel) ? null : JsonSerializer.Deserialize(trimmed, GatewayJsonContext.Default.ChatCompletionPayload);
    }

    private HttpRequestMessage CreateRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        var modelId = options?.ModelId ?? throw _transport.Unsupported("No model was given.");
        _catalog.TryResolve(modelId, out var model);

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            OpenAICompatibleRequestWriter.Write(writer, _dialect, modelId, model, messages, options, stream);
        }

        var content = new ReadOnlyMemoryContent(buffer.WrittenMemory);
        content.Headers.ContentType = ProviderTransport.JsonContentType;
        var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = content };
        request.Headers.Authorization = _authorization;
        request.Headers.Accept.Add(stream ? ProviderTransport.AcceptEventStream : ProviderTransport.AcceptJson);
        return request;
    }
}
