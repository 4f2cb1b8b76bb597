using ThreadSync.Gateway.Storage;

namespace ThreadSync.Gateway.Conversations.Internal;

/// <summary>One request's view of its conversation: the conversation as read, and the history the request is sent with.</summary>
internal sealed class ConversationSession(Conversation conversation, IReadOnlyList<ConversationTurn> turns, bool keepsContent)
{
    /// <summary>Gets the conversation as read; its turn count is what the request's append expects.</summary>
    public Conversation Conversation { get; } = conversation;

    /// <summary>Gets or sets the summary sent in place of the turns it covers, if any.</summary>
    public string? Summary { get; set; } = conversation.Summary;

    /// <summary>Gets or sets the remembered turns sent verbatim (those after the summary), oldest first.</summary>
    public IReadOnlyList<ConversationTurn> Turns { get; set; } = turns;

    /// <summary>Gets a value indicating whether the org keeps the conversation's text (memory), or only its metadata.</summary>
    public bool KeepsContent { get; } = keepsContent;
}
