using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// A real loopback Kestrel server that speaks one provider's generation wire format (Chat Completions, Anthropic
/// Messages or Gemini generateContent). Scripted replies are
/// served first-in first-out; with none queued it echoes the last user message. Every request is recorded
/// before validation. Safe for concurrent use.
/// </summary>
public sealed class FakeProviderServer : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly ProviderDialect _dialect;
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly ConcurrentQueue<FakeReply> _replies = new();
    private long _requestCount;
    private int _disposed;

    private FakeProviderServer(ProviderDialect dialect, FakeProviderOptions options, WebApplication app)
    {
        _dialect = dialect;
        _app = app;
        Options = options;
        Kind = dialect.Kind;
        ApiKey = options.ApiKey ?? $"fake-{dialect.Kind.ToString().ToLowerInvariant()}-key";
        TimeProvider = options.TimeProvider ?? TimeProvider.System;
        BaseUrl = null!;
        ChatCompletionsUrl = null!;
    }

    /// <summary>Gets the provider this server imitates.</summary>
    public FakeProviderKind Kind { get; }

    /// <summary>
    /// Gets the key the server accepts: the bearer token (OpenAI, xAI, Perplexity), <c>x-api-key</c> (Anthropic), or
    /// <c>x-goog-api-key</c> / <c>?key=</c> (Gemini).
    /// </summary>
    public string ApiKey { get; }

    /// <summary>
    /// Gets the base URL a client configures: <c>http://127.0.0.1:&lt;port&gt;/v1</c> for OpenAI and xAI,
    /// <c>http://127.0.0.1:&lt;port&gt;/v1beta</c> for Gemini, the bare origin for Perplexity and Anthropic (whose
    /// <see cref="Uri"/> string form ends in <c>/</c>).
    /// </summary>
    public Uri BaseUrl { get; private set; }

    /// <summary>
    /// Gets the full URL of the main generation endpoint: <c>…/v1/chat/completions</c> (OpenAI, xAI),
    /// <c>…/chat/completions</c> (Perplexity), <c>…/v1/messages</c> (Anthropic), or for Gemini the <c>…/v1beta/models</c>
    /// collection, to which a client appends <c>/{model}:generateContent</c> or <c>/{model}:streamGenerateContent?alt=sse</c>.
    /// </summary>
    public Uri ChatCompletionsUrl { get; private set; }

    /// <summary>Gets a snapshot of the recorded requests, in arrival order, rejected ones included.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>Gets the most recent recorded request.</summary>
    /// <exception cref="InvalidOperationException">No request has been recorded.</exception>
    public RecordedRequest LastRequest
    {
        get
        {
            lock (_gate)
            {
                return _requests.Count > 0 ? _requests[^1] : throw new InvalidOperationException("The fake server has not received any request.");
            }
        }
    }

    /// <summary>Gets how many requests arrived since start or the last <see cref="Reset"/> (counted even when not recorded).</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>Gets how many scripted replies are still queued.</summary>
    public int PendingReplyCount => _replies.Count;

    internal FakeProviderOptions Options { get; }

    internal TimeProvider TimeProvider { get; }

    /// <summary>Starts a fake on <c>127.0.0.1</c> with a free port.</summary>
    /// <param name="kind">The provider to imitate.</param>
    /// <param name="options">The options, or null for defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    public static async Task<FakeProviderServer> StartAsync(FakeProviderKind kind, FakeProviderOptions? options = null, CancellationToken cancellationToken = default)
    {
        var dialect = ProviderDialect.For(kind);
        options ??= new FakeProviderOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.StreamChunkDelayMilliseconds, nameof(options));

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // Tests may stall a reader or a writer on purpose; never let Kestrel cut them off for slowness.
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
        });

        var app = builder.Build();
        var server = new FakeProviderServer(dialect, options, app);
        app.Run(server.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var port = new Uri(address).Port;
            server.BaseUrl = new Uri($"http://127.0.0.1:{port}{dialect.BasePath}");
            server.ChatCompletionsUrl = new Uri($"http://127.0.0.1:{port}{dialect.ChatPath}");
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Queues a scripted reply; each generation request that passes auth and validation takes the oldest one.</summary>
    /// <param name="reply">The reply.</param>
    public void Enqueue(FakeReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        _replies.Enqueue(reply);
    }

    /// <summary>Clears the recorded requests, the request count and the reply queue.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _requests.Clear();
            _replies.Clear();
            Interlocked.Exchange(ref _requestCount, 0);
        }
    }

    /// <summary>Stops the server (waiting at most a few seconds for open streams).</summary>
    /// <returns>A task that completes when the server is stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using (var timeout = new CancellationTokenSource(StopTimeout))
        {
            try
            {
                await _app.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Open connections were cut; nothing else to do.
            }
        }

        await _app.DisposeAsync();
    }

    /// <inheritdoc />
    public override string ToString() => $"Fake {Kind} at {BaseUrl}";

    internal FakeReply? TryDequeueReply() => _replies.TryDequeue(out var reply) ? reply : null;

    private static async Task<byte[]> ReadBodyAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (result.IsCompleted || result.IsCanceled)
            {
                var bytes = buffer.IsEmpty ? [] : buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return bytes;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static Dictionary<string, string> CopyHeaders(IHeaderDictionary headers)
    {
        var copy = new Dictionary<string, string>(headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var header in headers)
        {
            copy[header.Key] = header.Value.ToString();
        }

        return copy;
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requestCount);
        try
        {
            var request = context.Request;
            var body = await ReadBodyAsync(request.BodyReader, context.RequestAborted);
            if (Options.RecordRequests)
            {
                var recorded = new RecordedRequest(
                    request.Method,
                    request.Path.Value ?? string.Empty,
                    request.QueryString.Value ?? string.Empty,
                    CopyHeaders(request.Headers),
                    body);
                lock (_gate)
                {
                    _requests.Add(recorded);
                }
            }

            await _dialect.HandleAsync(context, body, this);
        }
        catch (StreamDroppedException)
        {
            // Let Kestrel see it: after the response started it stops the output gracefully, so the flushed
            // chunks reach the client, the chunked body is left unterminated and the connection closes.
            throw;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away (or a stream was dropped on purpose): end quietly.
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            await _dialect.WriteInternalErrorAsync(context, $"Fake upstream failure: {ex.GetType().Name}: {ex.Message}");
        }
        catch (Exception)
        {
            context.Abort();
        }
    }
}
