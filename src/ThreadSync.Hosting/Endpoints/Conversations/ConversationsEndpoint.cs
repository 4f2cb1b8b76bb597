using Microsoft.AspNetCore.Http;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Admin;
using ThreadSync.Hosting.Http;

namespace ThreadSync.Hosting.Endpoints.Conversations;

/// <summary>
/// <c>/v1/conversations</c>: a caller's stored conversations, authenticated by its API key. The caller's
/// <c>(org, subject)</c> owns what it creates; it may read its own conversations and those shared with its org, and
/// change or delete only its own. See <see cref="ConversationAccess"/>.
/// </summary>
internal sealed class ConversationsEndpoint(IGatewayAuthenticator authenticator, GatewayStores stores, TimeProvider timeProvider)
{
    public const string Path = "/v1/conversations";

    public const int MaxTitleLength = 200;

    private IConversationStore Store => stores.Conversations;

    /// <summary><c>POST /v1/conversations</c> {title?} → 201 with the new, empty conversation.</summary>
    public async Task CreateAsync(HttpContext http)
    {
        var caller = await RequestGuards.AuthenticateAsync(http.Request, authenticator);
        var orgId = ConversationAccess.RequireOrg(caller);
        if (caller.ConversationCapture == ConversationCapture.Off)
        {
            throw new GatewayException(
                403,
                GatewayErrorCodes.ConversationsDisabled,
                "Your org keeps no conversations. An admin enables them by setting 'conversation_capture' to 'metadata' or 'full' in the org policy (PUT /admin/v1/orgs/{id}/policy).");
        }

        var body = (await AdminBody.ReadAsync(http.Request, optional: true)).Allow("title");
        var title = body.OptionalText("title", MaxTitleLength);
        var now = timeProvider.GetUtcNow();
        var conversation = new Conversation
        {
            Id = ConversationIds.New(now),
            OrgId = orgId,
            SubjectId = caller.SubjectId,
            Title = title,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (!await Store.CreateAsync(conversation, http.RequestAborted))
        {
            // A version 7 GUID repeating is not a thing that happens; if it ever does, the client retries.
            throw new GatewayException(409, GatewayErrorCodes.Conflict, "A conversation with the generated id already exists; retry the request.");
        }

        http.Response.StatusCode = StatusCodes.Status201Created;
        await JsonBody.WriteAsync(http.Response, conversation, static (writer, c) => ConversationJson.WriteConversation(writer, c), http.RequestAborted);
    }

    /// <summary><c>GET /v1/conversations?limit=&amp;after=&amp;shared=</c>: the caller's own conversations, or with <c>shared=true</c> the org's shared ones.</summary>
    public async Task ListAsync(HttpContext http)
    {
        var caller = await RequestGuards.AuthenticateBodilessAsync(http.Request, authenticator);
        var orgId = ConversationAccess.RequireOrg(caller);
        var (limit, after) = ConversationPage.ReadPaging(http.Request);
        var shared = AdminQuery.Get(http.Request, "shared")?.ToLowerInvariant() switch
        {
            null or "false" => false,
            "true" => true,
            _ => throw AdminErrors.Invalid("shared", "'shared' must be true or false."),
        };
        var query = new ConversationQuery
        {
            OrgId = orgId,
            SubjectId = shared ? null : caller.SubjectId,
            SharedOnly = shared,
            Limit = limit,
            After = after,
        };
        var page = await ConversationPage.ReadAsync(Store, query, http.RequestAborted);
        await JsonBody.WriteAsync(http.Response, page, static (writer, p) => ConversationJson.WritePage(writer, p), http.RequestAborted);
    }

    /// <summary><c>GET /v1/conversations/{id}</c>: the conversation with every turn.</summary>
    public async Task GetAsync(HttpContext http)
    {
        var caller = await RequestGuards.AuthenticateBodilessAsync(http.Request, authenticator);
        var conversation = await ConversationAccess.FindVisibleAsync(Store, caller, RouteId(http), http.RequestAborted);
        var turns = await Store.ListTurnsAsync(conversation.Id, 0, http.RequestAborted);
        await JsonBody.WriteAsync(
            http.Response,
            (conversation, turns),
            static (writer, state) => ConversationJson.WriteConversation(writer, state.conversation, turns: state.turns),
            http.RequestAborted);
    }

    /// <summary><c>PATCH /v1/conversations/{id}</c> {title?: string|null, shared?: bool}: the owner renames or (un)shares it.</summary>
    public async Task UpdateAsync(HttpContext http)
    {
        var caller = await RequestGuards.AuthenticateAsync(http.Request, authenticator);
        var conversation = await ConversationAccess.FindOwnedAsync(Store, caller, RouteId(http), http.RequestAborted);
        var body = (await AdminBody.ReadAsync(http.Request, optional: true)).Allow("title", "shared");
        var setTitle = body.Has("title");
        var title = body.OptionalText("title", MaxTitleLength);
        var shared = body.OptionalBoolean("shared");
        if (!setTitle && shared is null)
        {
            throw new GatewayException(400, GatewayErrorCodes.MissingParameter, "Send 'title' (a string, or null to clear it), 'shared' (true or false), or both.");
        }

        var cancellationToken = http.RequestAborted;
        if ((setTitle && !await Store.SetTitleAsync(conversation.Id, title, cancellationToken))
            || (shared is { } share && !await Store.SetSharedAsync(conversation.Id, share, cancellationToken)))
        {
            throw ConversationAccess.NotFound(conversation.Id);
        }

        var updated = await Store.GetAsync(conversation.Id, cancellationToken) ?? throw ConversationAccess.NotFound(conversation.Id);
        await JsonBody.WriteAsync(http.Response, updated, static (writer, c) => ConversationJson.WriteConversation(writer, c), cancellationToken);
    }

    /// <summary><c>DELETE /v1/conversations/{id}</c>: the owner deletes it with every turn, for good.</summary>
    public async Task DeleteAsync(HttpContext http)
    {
        var caller = await RequestGuards.AuthenticateBodilessAsync(http.Request, authenticator);
        var conversation = await ConversationAccess.FindOwnedAsync(Store, caller, RouteId(http), http.RequestAborted);
        if (!await Store.DeleteAsync(conversation.Id, http.RequestAborted))
        {
            throw ConversationAccess.NotFound(conversation.Id);
        }

        await JsonBody.WriteAsync(http.Response, conversation.Id, ConversationJson.WriteDeleted, http.RequestAborted);
    }

    private static string RouteId(HttpContext http) => http.Request.RouteValues["id"] as string ?? string.Empty;
}
