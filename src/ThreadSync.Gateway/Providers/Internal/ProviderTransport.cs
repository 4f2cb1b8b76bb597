using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly.Timeout;

namespace ThreadSync.Gateway.Providers.Internal;

/// <summary>
/// The HTTP plumbing every adapter shares: sending through the provider's named <see cref="IHttpClientFactory"/>
/// client, turning transport failures and error statuses into <see cref="ProviderException"/>, and reading JSON
/// bodies. Keeps failure wording identical across providers and never puts a URL or key in a message.
/// </summary>
internal sealed class ProviderTransport
{
    public static readonly MediaTypeHeaderValue JsonContentType = new("application/json");
    public static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    public static readonly MediaTypeWithQualityHeaderValue AcceptEventStream = new("text/event-stream");

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly string _httpClientName;
    private readonly TimeProvider _timeProvider;

    public ProviderTransport(GatewayProvider provider, IHttpClientFactory httpClientFactory, string httpClientName, TimeProvider timeProvider)
    {
        Provider = provider;
        _httpClientFactory = httpClientFactory;
        _httpClientName = httpClientName;
        _timeProvider = timeProvider;
    }

    public GatewayProvider Provider { get; }

    /// <summary>Sends the request (headers read only) and throws for transport failures and non-success statuses.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            var client = _httpClientFactory.CreateClient(_httpClientName);
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw TimedOut(ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ProviderException(Provider, ProviderFailureKind.Unavailable, $"Provider '{Provider.ToWireId()}' could not be reached.", innerException: ex);
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ProviderErrorParser.ReadAsync(Provider, response, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }

        return response;
    }

    /// <summary>Reads a whole JSON body; unreadable JSON and broken connections become provider failures.</summary>
    public async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync(body, typeInfo, cancellationToken).ConfigureAwait(false) ?? throw Malformed(null);
            }
        }
        catch (JsonException ex)
        {
            throw Malformed(ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new ProviderException(Provider, ProviderFailureKind.StreamTruncated, $"The connection to provider '{Provider.ToWireId()}' broke while reading the response.", innerException: ex);
        }
    }

    public ProviderException Malformed(Exception? inner) =>
        new(Provider, ProviderFailureKind.MalformedResponse, $"Provider '{Provider.ToWireId()}' sent a response the gateway could not read.", innerException: inner);

    public ProviderException Truncated(Exception? inner) =>
        new(Provider, ProviderFailureKind.StreamTruncated, $"The stream from provider '{Provider.ToWireId()}' ended before it finished.", innerException: inner);

    public ProviderException Unsupported(string message) =>
        new(Provider, ProviderFailureKind.Unsupported, message, upstreamMessage: message);

    private ProviderException TimedOut(Exception inner) =>
        new(Provider, ProviderFailureKind.Timeout, $"Provider '{Provider.ToWireId()}' did not answer in time.", innerException: inner);
}
