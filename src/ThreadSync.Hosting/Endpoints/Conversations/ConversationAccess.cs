using ThreadSync.Gateway;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Hosting.Endpoints.Conversations;

/// <summary>
/// Who may see and change a conversation. The store checks nothing, so every endpoint goes through here: a conversation
/// is visible to callers of its org who own it or to whom it is shared, and only its owner may change it. A conversation
/// of another org, or an unshared one of another subject, is answered exactly as a missing one (404), so its existence
/// is never revealed.
/// </summary>
internal static class ConversationAccess
{
    /// <summary>Gets the caller's org, which every conversation belongs to.</summary>
    /// <exception cref="GatewayException">403 <c>conversations_disabled</c>: the caller belongs to no org.</exception>
    public static string RequireOrg(GatewayCaller caller) =>
        caller.OrgId is { Length: > 0 } orgId
            ? orgId
            : throw new GatewayException(403, GatewayErrorCodes.ConversationsDisabled, "Conversations belong to an org, and this API key belongs to none.");

    /// <summary>Tells whether the caller may read the conversation: same org, and its owner or shared.</summary>
    public static bool IsVisible(GatewayCaller caller, Conversation conversation) => ConversationOwnership.IsVisibleTo(conversation, caller);

    /// <summary>Tells whether the caller owns the conversation (same org and same subject).</summary>
    public static bool IsOwner(GatewayCaller caller, Conversation conversation) => ConversationOwnership.IsOwnedBy(conversation, caller);

    /// <summary>Gets a conversation the caller may read.</summary>
    /// <exception cref="GatewayException">404 <c>conversation_not_found</c>: missing, or not visible to the caller.</exception>
    public static async ValueTask<Conversation> FindVisibleAsync(IConversationStore store, GatewayCaller caller, string id, CancellationToken cancellationToken)
    {
        RequireOrg(caller);
        var conversation = ConversationIds.IsValid(id) ? await store.GetAsync(id, cancellationToken) : null;
        return conversation is not null && IsVisible(caller, conversation) ? conversation : throw NotFound(id);
    }

    /// <summary>Gets a conversation the caller may change.</summary>
    /// <exception cref="GatewayException">404 <c>conversation_not_found</c> when not visible; 403 <c>conversation_read_only</c> when shared by another subject.</exception>
    public static async ValueTask<Conversation> FindOwnedAsync(IConversationStore store, GatewayCaller caller, string id, CancellationToken cancellationToken)
    {
        var conversation = await FindVisibleAsync(store, caller, id, cancellationToken);
        return IsOwner(caller, conversation)
            ? conversation
            : throw new GatewayException(403, GatewayErrorCodes.ConversationReadOnly, $"Conversation '{conversation.Id}' is shared with your org by another member: you may read it, not change or delete it.");
    }

    /// <summary>The answer for a conversation that is missing or not the caller's to see (the two are never told apart).</summary>
    public static GatewayException NotFound(string id) =>
        new(404, GatewayErrorCodes.ConversationNotFound, $"No conversation with id '{Quote(id)}'.");

    private static string Quote(string value)
    {
        var shortened = value.Length <= 64 ? value : value[..64] + "…";
        return shortened.Any(char.IsControl) ? new string([.. shortened.Where(static c => !char.IsControl(c))]) : shortened;
    }
}
