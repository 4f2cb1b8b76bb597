namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>What a <see cref="FakeReply"/> does on the wire.</summary>
internal enum FakeReplyKind
{
    /// <summary>A normal completion (text and/or tool calls).</summary>
    Completion,

    /// <summary>An HTTP error in the provider's error shape.</summary>
    Error,

    /// <summary>A verbatim status, content type and body.</summary>
    Raw,

    /// <summary>Some content chunks, then an error event after HTTP 200.</summary>
    StreamError,

    /// <summary>Some content chunks, then the connection is aborted.</summary>
    StreamDrop,
}
