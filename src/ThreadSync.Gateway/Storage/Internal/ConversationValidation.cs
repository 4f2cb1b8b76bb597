namespace ThreadSync.Gateway.Storage.Internal;

/// <summary>The argument checks every <see cref="IConversationStore"/> makes, so the backends refuse the same input.</summary>
internal static class ConversationValidation
{
    /// <summary>Checks a conversation about to be created.</summary>
    /// <param name="conversation">The conversation.</param>
    public static void ValidateNew(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentException.ThrowIfNullOrEmpty(conversation.Id, nameof(conversation));
        ArgumentException.ThrowIfNullOrEmpty(conversation.OrgId, nameof(conversation));
        ArgumentException.ThrowIfNullOrEmpty(conversation.SubjectId, nameof(conversation));

        // Turns and summaries only come through appends, which keep sequences dense and the count exact.
        if (conversation.TurnCount != 0 || conversation.Summary is not null || conversation.SummaryThrough != -1)
        {
            throw new ArgumentException("A new conversation has no turns and no summary.", nameof(conversation));
        }
    }

    /// <summary>Checks an append.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="expectedTurnCount">The expected turn count.</param>
    /// <param name="turns">The turns.</param>
    public static void ValidateAppend(string conversationId, long expectedTurnCount, IReadOnlyList<ConversationTurn> turns)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(turns);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedTurnCount);
        if (turns.Count == 0)
        {
            throw new ArgumentException("There are no turns to append.", nameof(turns));
        }

        foreach (var turn in turns)
        {
            ArgumentNullException.ThrowIfNull(turn, nameof(turns));
            ArgumentException.ThrowIfNullOrEmpty(turn.Role, nameof(turns));
        }
    }
}
