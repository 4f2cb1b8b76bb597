using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway.Pipeline.Internal;

/// <summary>
/// A provider stream that produced its first token: the updates read so far (nothing has reached the client yet) and
/// the enumerator to read the rest from. Owns the attempt's cancellation sources.
/// </summary>
internal sealed class StreamStart(
    IAsyncEnumerator<ChatResponseUpdate> updates,
    List<ChatResponseUpdate> firstUpdates,
    bool ended,
    CancellationTokenSource firstTokenTimer,
    CancellationTokenSource attemptToken) : IAsyncDisposable
{
    /// <summary>Gets the rest of the stream.</summary>
    public IAsyncEnumerator<ChatResponseUpdate> Updates => updates;

    /// <summary>Gets the updates read up to and including the first token.</summary>
    public List<ChatResponseUpdate> FirstUpdates => firstUpdates;

    /// <summary>Gets a value indicating whether the stream already ended (it had no token at all).</summary>
    public bool Ended => ended;

    /// <summary>Gets a value indicating whether the first-token deadline fired (a late cancellation then means a timeout).</summary>
    public bool TimedOut => firstTokenTimer.IsCancellationRequested;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await updates.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            attemptToken.Dispose();
            firstTokenTimer.Dispose();
        }
    }
}
