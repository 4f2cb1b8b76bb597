namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// Thrown out of the request handler to drop a started stream. Kestrel then stops the response without the
/// terminating chunk and closes the connection after sending what was flushed, so the client reliably
/// receives the chunks before the cut. (<c>HttpContext.Abort()</c> discards bytes still queued in the transport.)
/// </summary>
internal sealed class StreamDroppedException : Exception
{
    public StreamDroppedException()
        : base("The fake upstream dropped the stream on purpose.")
    {
    }

    public StreamDroppedException(string message)
        : base(message)
    {
    }

    public StreamDroppedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
