using System.Diagnostics;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Streaming;

/// <summary>
/// Serializes writes to a stream and sends a keep-alive frame whenever the stream has been silent for the interval,
/// so idle-timeout proxies (often 60 s) and clients' read timeouts do not cut an answer while the model reasons or
/// builds a large tool call. One timer per stream, not per update.
/// </summary>
internal sealed class StreamKeepAlive : IAsyncDisposable
{
    private readonly IStreamResponseWriter _writer;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop;
    private readonly PeriodicTimer? _timer;
    private readonly Task _loop;
    private long _lastWrite;
    private bool _ended;

    public StreamKeepAlive(IStreamResponseWriter writer, TimeSpan interval, TimeProvider timeProvider, CancellationToken aborted)
    {
        _writer = writer;
        _interval = interval;
        _timeProvider = timeProvider;
        _lastWrite = timeProvider.GetTimestamp();
        _stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        if (interval > TimeSpan.Zero)
        {
            // Ticking at half the interval keeps the longest silence under about 1.5 intervals.
            _timer = new PeriodicTimer(interval / 2, timeProvider);
            _loop = PingLoopAsync(_stop.Token);
        }
        else
        {
            _loop = Task.CompletedTask;
        }
    }

    public ValueTask WriteAsync(ChatResponseUpdate update, CancellationToken cancellationToken) =>
        RunAsync(static (w, u, ct) => w.WriteAsync(u, ct), update, ended: false, cancellationToken);

    public ValueTask CompleteAsync(GatewayUsage? usage, CancellationToken cancellationToken) =>
        RunAsync(static (w, u, ct) => w.CompleteAsync(u, ct), usage, ended: true, cancellationToken);

    public ValueTask FailAsync(GatewayException error, CancellationToken cancellationToken) =>
        RunAsync(static (w, e, ct) => w.FailAsync(e, ct), error, ended: true, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _timer?.Dispose();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // The loop ends by cancellation.
        }

        _stop.Dispose();
        _gate.Dispose();
    }

    private async ValueTask RunAsync<TState>(Func<IStreamResponseWriter, TState, CancellationToken, ValueTask> write, TState state, bool ended, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await write(_writer, state, cancellationToken);
            Volatile.Write(ref _lastWrite, _timeProvider.GetTimestamp());
            _ended |= ended;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task PingLoopAsync(CancellationToken cancellationToken)
    {
        Debug.Assert(_timer is not null, "The loop runs only with a timer.");
        while (await _timer.WaitForNextTickAsync(cancellationToken))
        {
            if (_timeProvider.GetElapsedTime(Volatile.Read(ref _lastWrite)) < _interval || !await _gate.WaitAsync(0, cancellationToken))
            {
                continue;
            }

            try
            {
                if (_ended)
                {
                    return;
                }

                await _writer.WriteKeepAliveAsync(cancellationToken);
                Volatile.Write(ref _lastWrite, _timeProvider.GetTimestamp());
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException)
            {
                // The client is gone; the stream's own loop notices and ends.
                return;
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}
