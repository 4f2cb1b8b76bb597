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
internal sealed class AnthropicChatClient : ProviderChatClient
{
    public const string DefaultBaseUrl = "https://api.anthropic.com";
    public const string ApiVersion = "2023-06-01";

    private readonly Uri _endpoint;
    private readonly string _apiKey;
    private readonly IModelCatalog _catalog;

    public AnthropicChatClient(string apiKey, string? baseUrl, ProviderTransport transport, IModelCatalog catalog)
        : this(apiKey, new Uri((baseUrl ?? DefaultBaseUrl).TrimEnd('/') + "/"), transport, catalog)
    {
    }

    private AnthropicChatClient(string apiKey, Uri root, ProviderTransport transport, IModelCatalog catalog)
        : base(transport, root)
    {
        _apiKey = apiKey;
        _catalog = catalog;
        _endpoint = new Uri(root, "v1/messages");
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(messages, options, stream: false);
        using var response = await Transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var payload = await Transport.ReadJsonAsync(response, GatewayJsonContext.Default.AnthropicMessagePayload, cancellationToken).ConfigureAwait(false);
        return AnthropicResponseReader.ToChatResponse(payload);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(messages, options, stream: true);
        using var response = await Transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var state = new AnthropicStreamState();
        var events = Transport.ReadEventsAsync(
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
            throw Transport.Truncated(null);
        }

        if (state.Complete() is { } last)
        {
            yield return last;
        }
    }

    private HttpRequestMessage CreateRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        var modelId = RequireModel(options);
        _catalog.TryResolve(modelId, out var model);
        var request = CreateJsonRequest(
            _endpoint,
            stream,
            (Transport, modelId, model, messages, options, stream),
            static (writer, s) => AnthropicRequestWriter.Write(writer, s.Transport, s.modelId, s.model, s.messages, s.options, s.stream));
        request.Headers.TryAddWithoutValidation("x-api-key", _apiKey);
        request.Headers.TryAddWithoutValidation("anthropic-version", ApiVersion);
        if (options?.AdditionalProperties?.TryGetValue(GatewayOptionKeys.AnthropicBeta, out var beta) == true && beta is string { Length: > 0 } flags)
        {
            request.Headers.TryAddWithoutValidation("anthropic-beta", flags);
        }

        return request;
    }
}
