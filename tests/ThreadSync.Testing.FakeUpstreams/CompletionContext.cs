namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>Everything needed to write one completion (plain or streamed): the reply plus the per-response values.</summary>
internal sealed class CompletionContext
{
    public CompletionContext(FakeReply reply, string id, long created, string model, string content, FakeUsage usage, bool includeUsage)
    {
        Reply = reply;
        Id = id;
        Created = created;
        Model = model;
        Content = content;
        Usage = usage;
        IncludeUsage = includeUsage;
    }

    /// <summary>Gets the reply being sent.</summary>
    public FakeReply Reply { get; }

    /// <summary>Gets the completion id (the same on every chunk).</summary>
    public string Id { get; }

    /// <summary>Gets the <c>created</c> unix time in seconds.</summary>
    public long Created { get; }

    /// <summary>Gets the reported model.</summary>
    public string Model { get; }

    /// <summary>Gets the assistant content as this dialect sends it.</summary>
    public string Content { get; }

    /// <summary>Gets the usage to report.</summary>
    public FakeUsage Usage { get; }

    /// <summary>Gets a value indicating whether the request asked for <c>stream_options.include_usage</c>.</summary>
    public bool IncludeUsage { get; }

    /// <summary>Gets the tool calls.</summary>
    public IReadOnlyList<FakeToolCall> ToolCalls => Reply.ToolCallList;

    /// <summary>Gets the finish reason.</summary>
    public string FinishReason => Reply.FinishReason;
}
