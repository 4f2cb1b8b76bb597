namespace ThreadSync.Gateway.Storage;

/// <summary>One message of a conversation: a system prompt, a user's input, an assistant's reply or a tool's result.</summary>
public sealed record ConversationTurn
{
    /// <summary>Gets the conversation (assigned by the store on append).</summary>
    public string ConversationId { get; init; } = string.Empty;

    /// <summary>Gets the turn's position: 0-based and dense within its conversation (assigned by the store on append).</summary>
    public long Sequence { get; init; }

    /// <summary>Gets the role: <c>system</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>.</summary>
    public required string Role { get; init; }

    /// <summary>Gets the text, or <see langword="null"/> when the org captures metadata only.</summary>
    public string? Content { get; init; }

    /// <summary>Gets the model that produced or received the turn, if known.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the correlation id of the request that carried the turn, linking it to the audit chain and the ledger.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Gets the input tokens of the request that produced the turn (0 when not applicable).</summary>
    public long InputTokens { get; init; }

    /// <summary>Gets the output tokens of the request that produced the turn (0 when not applicable).</summary>
    public long OutputTokens { get; init; }

    /// <summary>Gets when the turn happened (PostgreSQL keeps whole microseconds).</summary>
    public DateTimeOffset At { get; init; }
}
