namespace ThreadSync.Gateway.Storage;

/// <summary>A conversation with all its turns, as <see cref="IConversationStore.ExportAsync"/> yields it.</summary>
/// <param name="Conversation">The conversation.</param>
/// <param name="Turns">Its turns, in sequence order.</param>
public sealed record ConversationExport(Conversation Conversation, IReadOnlyList<ConversationTurn> Turns);
