namespace ThreadSync.Gateway.Storage;

/// <summary>
/// Where a page of <see cref="IConversationStore.ListAsync"/> ends: the next page starts after this conversation in
/// newest-first order (<see cref="Conversation.UpdatedAt"/> descending, then <see cref="Conversation.Id"/> descending).
/// </summary>
/// <param name="UpdatedAt">The last listed conversation's <see cref="Conversation.UpdatedAt"/>.</param>
/// <param name="Id">The last listed conversation's <see cref="Conversation.Id"/>.</param>
public sealed record ConversationCursor(DateTimeOffset UpdatedAt, string Id)
{
    /// <summary>Creates the cursor that continues a listing after <paramref name="conversation"/>.</summary>
    /// <param name="conversation">The last conversation of a page.</param>
    /// <returns>The cursor.</returns>
    public static ConversationCursor After(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return new ConversationCursor(conversation.UpdatedAt, conversation.Id);
    }
}
