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
internal sealed class OpenAICompatibleChatClient : ProviderChatClient
{
    private static readonly byte[] DoneSentinel = "[DONE]"u8.ToArray();

    private readonly OpenAICompatibleDialect _dialect;
    private readonly Uri _endpoint;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly IModelCatalog _catalog;

    public OpenAICompatibleChatClient(OpenAICompatibleDialect dialect, string apiKey, string? baseUrl, ProviderTransport transport, IModelCatalog catalog)
        : this(dialect, apiKey, new Uri((baseUrl ?? dialect.DefaultBaseUrl).TrimEnd('/') + "/"), transport, catalog)
    {
    }

    private OpenAICompatibleChatClient(OpenAICompatibleDialect dialect, string apiKey, Uri root, ProviderTransport transport, IModelCatalog catalog)
        : base(transport, root)
    {
        _dialect = dialect;
        _catalog = catalog;
        _endpoint = new Uri(root, dialect.ChatPath);
        _authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(messages, options, stream: false);
        using var response = await Transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var payload = await Transport.ReadJsonAsync(response, GatewayJsonContext.Default.ChatCompletionPayload, cancellationToken).ConfigureAwait(false);
        return OpenAICompatibleResponseReader.ToChatResponse(payload, _dialect);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(messages, options, stream: true);
        using var response = await Transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var state = new OpenAICompatibleStreamState(_dialect);
        var sawDone = false;
        await foreach (var item in Transport.ReadEventsAsync(response, static (_, data) => ParseEvent(data), () => state.Finished, cancellationToken).ConfigureAwait(false))
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
            throw Transport.Truncated(null);
        }

        if (state.Complete() is { } last)
        {
            yield return last;
        }
    }

    private static ChatCompletionPayload? ParseEvent(ReadOnlySpan<byte> data)
    {
        var trimmed = data.Trim((byte)' ');
        return trimmed.SequenceEqual(DoneSentinel) ? null : JsonSerializer.Deserialize(trimmed, GatewayJsonContext.Default.ChatCompletionPayload);
    }

    private HttpRequestMessage CreateRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        var modelId = RequireModel(options);
        _catalog.TryResolve(modelId, out var model);
        var request = CreateJsonRequest(
            _endpoint,
            stream,
            (_dialect, modelId, model, messages, options, stream),
            static (writer, s) => OpenAICompatibleRequestWriter.Write(writer, s._dialect, s.modelId, s.model, s.messages, s.options, s.stream));
        request.Headers.Authorization = _authorization;
        return request;
    }
}
