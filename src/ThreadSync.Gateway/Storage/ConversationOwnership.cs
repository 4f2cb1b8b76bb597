namespace ThreadSync.Gateway.Storage;

/// <summary>
/// Who owns and who may read a conversation, the one rule memory and the conversations API share (the store checks
/// nothing): it belongs to its org and subject; its owner reads and changes it; the rest of its org may read it once
/// it is shared; no other org ever sees it.
/// </summary>
public static class ConversationOwnership
{
    /// <summary>The org that owns a caller's conversations: its own, or for callers without one (in-process hosts), a space of their own.</summary>
    /// <param name="caller">The caller.</param>
    /// <returns>The org id.</returns>
    public static string OrgOf(GatewayCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.OrgId ?? "caller:" + caller.KeyId;
    }

    /// <summary>Whether the caller owns the conversation (same org and same subject).</summary>
    /// <param name="conversation">The conversation.</param>
    /// <param name="caller">The caller.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public static bool IsOwnedBy(Conversation conversation, GatewayCaller caller)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return string.Equals(conversation.OrgId, OrgOf(caller), StringComparison.Ordinal)
            && string.Equals(conversation.SubjectId, caller.SubjectId, StringComparison.Ordinal);
    }

    /// <summary>Whether the caller may read the conversation: same org, and its owner or shared.</summary>
    /// <param name="conversation">The conversation.</param>
    /// <param name="caller">The caller.</param>
    /// <returns><see langword="true"/> when it may.</returns>
    public static bool IsVisibleTo(Conversation conversation, GatewayCaller caller)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return string.Equals(conversation.OrgId, OrgOf(caller), StringComparison.Ordinal)
            && (conversation.Shared || string.Equals(conversation.SubjectId, caller.SubjectId, StringComparison.Ordinal));
    }
}
