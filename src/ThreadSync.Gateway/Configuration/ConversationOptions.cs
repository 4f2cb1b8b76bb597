namespace ThreadSync.Gateway;

/// <summary>Server-side conversation memory, bound from <c>ThreadSync:Conversations</c>.</summary>
/// <remarks>
/// A request naming a conversation gets the conversation's history prepended: its summary, then the turns after it.
/// When that history would not fit the token budget, the oldest turns are folded into the summary by a call through
/// the gateway itself (billed to the same caller, audited) and the newest turns stay verbatim.
/// </remarks>
public sealed class ConversationOptions
{
    /// <summary>
    /// Gets or sets the most tokens of history prepended to a request (<c>ThreadSync:Conversations:MaxHistoryTokens</c>).
    /// The gateway lowers it for a model whose context window cannot hold it beside the request and the answer.
    /// </summary>
    /// <value>16,000 by default; between 256 and 2,000,000.</value>
    public int MaxHistoryTokens { get; set; } = 16_000;

    /// <summary>
    /// Gets or sets how many of the newest turns stay verbatim when older ones are summarized
    /// (<c>ThreadSync:Conversations:KeepRecentTurns</c>); fewer are kept when they alone exceed the budget.
    /// </summary>
    /// <value>4 by default (two exchanges); between 0 and 100.</value>
    public int KeepRecentTurns { get; set; } = 4;

    /// <summary>Gets or sets the most tokens a summary may take (<c>ThreadSync:Conversations:SummaryMaxTokens</c>).</summary>
    /// <value>1,024 by default; between 64 and 16,384. Kept below half the history budget.</value>
    public int SummaryMaxTokens { get; set; } = 1_024;

    /// <summary>
    /// Gets or sets the model that writes summaries (<c>ThreadSync:Conversations:SummaryModel</c>), or
    /// <see langword="null"/> (the default) for the model chosen for the request. Its use passes the caller's policy.
    /// </summary>
    public string? SummaryModel { get; set; }

    /// <summary>
    /// Gets or sets how often conversations past their org's <c>conversation_retention_days</c> are purged
    /// (<c>ThreadSync:Conversations:PurgeInterval</c>).
    /// </summary>
    /// <value>One hour by default; between one minute and one day. A purge also runs at start-up.</value>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);
}
