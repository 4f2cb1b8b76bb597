namespace ThreadSync.Gateway.Storage;

/// <summary>
/// Stored conversations and their turns: what server-side conversation memory reads and appends, and what users browse,
/// share, export and delete.
/// </summary>
/// <remarks>
/// <para><b>Semantics every implementation keeps</b> (the conformance suite checks them):</para>
/// <list type="bullet">
/// <item>This layer does not check who may see what: <see cref="GetAsync"/> returns any conversation by id, and callers
/// compare <see cref="Conversation.OrgId"/>, <see cref="Conversation.SubjectId"/> and <see cref="Conversation.Shared"/>
/// with the caller's identity (treating a conversation of another org as missing). Listings are always within one org.</item>
/// <item>Turns are numbered 0, 1, 2… with no gaps; <see cref="Conversation.TurnCount"/> is always the number of turns.</item>
/// <item><see cref="AppendTurnsAsync"/> is optimistic and atomic: it appends only if the conversation still has the turn
/// count the caller read, on one instance or many. Of racing appends with the same expected count exactly one succeeds;
/// the others change nothing and return <see langword="false"/>, and their callers reload and retry.</item>
/// <item>A summary never deletes turns: memory uses <see cref="Conversation.Summary"/> plus the turns after
/// <see cref="Conversation.SummaryThrough"/>, while users still browse every turn.</item>
/// <item>Deleting (<see cref="DeleteAsync"/>, <see cref="PurgeAsync"/>) removes the conversation and every turn for good.</item>
/// <item>Only appending turns moves <see cref="Conversation.UpdatedAt"/> (to the store's clock: the database server's
/// for PostgreSQL unless a test clock is injected, the injected <see cref="TimeProvider"/> for SQLite); titles, sharing
/// and summaries leave it, so listings stay ordered by activity.</item>
/// </list>
/// </remarks>
public interface IConversationStore
{
    /// <summary>Creates a conversation with no turns and no summary.</summary>
    /// <param name="conversation">The conversation; its <see cref="Conversation.UpdatedAt"/> is usually its <see cref="Conversation.CreatedAt"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when a conversation with that id exists (it is left as it was).</returns>
    /// <exception cref="ArgumentException">The conversation has turns or a summary, or an id is empty.</exception>
    ValueTask<bool> CreateAsync(Conversation conversation, CancellationToken cancellationToken = default);

    /// <summary>Gets a conversation by id, whoever owns it (see the remarks: callers check ownership).</summary>
    /// <param name="id">The conversation id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The conversation, or <see langword="null"/> when there is none.</returns>
    ValueTask<Conversation?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends turns if the conversation has exactly <paramref name="expectedTurnCount"/> turns: they get sequences
    /// <paramref name="expectedTurnCount"/> onwards, and the turn count and <see cref="Conversation.UpdatedAt"/> move
    /// with them, all in one atomic change.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="expectedTurnCount">The <see cref="Conversation.TurnCount"/> the caller read.</param>
    /// <param name="turns">The turns, in order; their <see cref="ConversationTurn.ConversationId"/> and <see cref="ConversationTurn.Sequence"/> are ignored.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// <see langword="true"/> when appended; <see langword="false"/> (nothing changed) when the conversation is missing
    /// or another append came first.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="turns"/> is empty, a turn has no role, or <paramref name="expectedTurnCount"/> is negative.</exception>
    ValueTask<bool> AppendTurnsAsync(string conversationId, long expectedTurnCount, IReadOnlyList<ConversationTurn> turns, CancellationToken cancellationToken = default);

    /// <summary>Lists a conversation's turns from a sequence on, in order.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="fromSequence">The first sequence included (0 for all; <c>SummaryThrough + 1</c> for memory).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The turns; empty when the conversation is missing.</returns>
    ValueTask<IReadOnlyList<ConversationTurn>> ListTurnsAsync(string conversationId, long fromSequence = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the conversation's summary. The turns stay. A summary never moves backwards: one covering fewer turns
    /// than the current summary (a slower summarizer finishing late) is refused.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="summary">The summary of turns 0 to <paramref name="throughSequence"/>.</param>
    /// <param name="throughSequence">The last turn the summary covers (0 to <c>TurnCount - 1</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// <see langword="false"/> when the conversation is missing, has no turn <paramref name="throughSequence"/>, or has a
    /// summary through a later turn.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="throughSequence"/> is negative.</exception>
    ValueTask<bool> SetSummaryAsync(string conversationId, string summary, long throughSequence, CancellationToken cancellationToken = default);

    /// <summary>Shares the conversation with its org, or makes it private to its owner again.</summary>
    /// <param name="id">The conversation id.</param>
    /// <param name="shared">Whether it is shared.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the conversation is missing.</returns>
    ValueTask<bool> SetSharedAsync(string id, bool shared, CancellationToken cancellationToken = default);

    /// <summary>Sets or clears the conversation's title.</summary>
    /// <param name="id">The conversation id.</param>
    /// <param name="title">The title, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the conversation is missing.</returns>
    ValueTask<bool> SetTitleAsync(string id, string? title, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists an org's conversations, newest <see cref="Conversation.UpdatedAt"/> first (ties by id, descending), one page
    /// at a time: pass <see cref="ConversationCursor.After"/> of a page's last conversation as the next query's
    /// <see cref="ConversationQuery.After"/>.
    /// </summary>
    /// <param name="query">The org, the optional owner and shared filters, the page size and the cursor.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>At most <see cref="ConversationQuery.Limit"/> conversations; fewer means the listing is complete.</returns>
    /// <exception cref="ArgumentException">The query is invalid.</exception>
    ValueTask<IReadOnlyList<Conversation>> ListAsync(ConversationQuery query, CancellationToken cancellationToken = default);

    /// <summary>Deletes a conversation and all its turns for good.</summary>
    /// <param name="id">The conversation id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when the conversation is missing.</returns>
    ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Deletes an org's conversations last updated before <paramref name="olderThan"/>, with their turns (retention).</summary>
    /// <param name="orgId">The org.</param>
    /// <param name="olderThan">Conversations with <see cref="Conversation.UpdatedAt"/> earlier than this are deleted.</param>
    /// <param name="cancellationToken">Cancels the purge (conversations already deleted stay deleted).</param>
    /// <returns>How many conversations were deleted.</returns>
    ValueTask<long> PurgeAsync(string orgId, DateTimeOffset olderThan, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads every conversation of an org with its turns, in id order (for an admin's JSON Lines export). Each
    /// conversation comes with exactly the turns its <see cref="Conversation.TurnCount"/> counts, even when turns are
    /// appended meanwhile; conversations created or deleted during the export may or may not be included.
    /// </summary>
    /// <param name="orgId">The org.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>The conversations with their turns.</returns>
    IAsyncEnumerable<ConversationExport> ExportAsync(string orgId, CancellationToken cancellationToken = default);
}
