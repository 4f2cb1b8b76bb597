using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly.Timeout;

namespace ThreadSync.Gateway.Providers.Internal;

/// <summary>
/// The HTTP plumbing every adapter shares: sending through the provider's named <see cref="IHttpClientFactory"/>
/// client, turning transport failures and error statuses into <see cref="ProviderException"/>, and reading JSON
/// bodies and event streams under a silence deadline. Keeps failure wording identical across providers and never
/// puts a URL or key in a message.
/// </summary>
/// <remarks>
/// The provider's <c>Timeout</c> bounds the wait for the response headers (the resilience handler) and every silence
/// after them: a provider that keeps the connection open but stops sending fails with
/// <see cref="ProviderFailureKind.Timeout"/> instead of holding the request forever.
/// </remarks>
internal sealed class ProviderTransport
{
    public static readonly MediaTypeHeaderValue JsonContentType = new("application/json");
    public static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    public static readonly MediaTypeWithQualityHeaderValue AcceptEventStream = new("text/event-stream");

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly string _httpClientName;
    private readonly TimeProvider _timeProvider;

    public ProviderTransport(GatewayProvider provider, IHttpClientFactory httpClientFactory, string httpClientName, TimeProvider timeProvider, TimeSpan silenceTimeout)
    {
        Provider = provider;
        SilenceTimeout = silenceTimeout;
        _httpClientFactory = httpClientFactory;
        _httpClientName = httpClientName;
        _timeProvider = timeProvider;
    }

    public GatewayProvider Provider { get; }

    /// <summary>Gets the longest time a response body may go without sending anything.</summary>
    public TimeSpan SilenceTimeout { get; }

    /// <summary>Sends the request (headers read only) and throws for transport failures and non-success statuses.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        var timing = GatewayTiming.Current;
        var start = Stopwatch.GetTimestamp();
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
        finally
        {
            timing?.AddUpstreamSince(start);
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
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(SilenceTimeout);
        try
        {
            var body = UpstreamTimedStream.Wrap(await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false));
            await using (body.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync(body, typeInfo, deadline.Token).ConfigureAwait(false) ?? throw Malformed(null);
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(ex);
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

    /// <summary>
    /// Reads a <c>text/event-stream</c> body. Unreadable events are <see cref="ProviderFailureKind.MalformedResponse"/>;
    /// a broken connection ends the sequence quietly when <paramref name="finished"/> says the provider already sent its
    /// finish (some providers just close), else it is <see cref="ProviderFailureKind.StreamTruncated"/>; a silence
    /// longer than <see cref="SilenceTimeout"/> is <see cref="ProviderFailureKind.Timeout"/>.
    /// </summary>
    public async IAsyncEnumerable<SseItem<T>> ReadEventsAsync<T>(
        HttpResponseMessage response,
        SseItemParser<T> parser,
        Func<bool> finished,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        silence.CancelAfter(SilenceTimeout);
        Stream body;
        try
        {
            body = UpstreamTimedStream.Wrap(await response.Content.ReadAsStreamAsync(silence.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(ex);
        }

        await using var bodyScope = body.ConfigureAwait(false);
        var events = SseParser.Create(body, parser).EnumerateAsync(silence.Token).GetAsyncEnumerator(silence.Token);
        await using var eventsScope = events.ConfigureAwait(false);
        while (true)
        {
            try
            {
                if (!await events.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (JsonException ex)
            {
                throw Malformed(ex);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw TimedOut(ex);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                if (finished())
                {
                    yield break;
                }

                throw Truncated(ex);
            }

            silence.CancelAfter(SilenceTimeout);
            yield return events.Current;
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
