using Microsoft.AspNetCore.Http;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Hosting.Http;

/// <summary>
/// <c>x-threadsync-conversation-id</c>: names the conversation for clients that cannot add <c>conversation_id</c> to the
/// body (the Anthropic endpoint, SDKs with fixed request types); echoed on responses with
/// <c>x-threadsync-conversation-memory</c>.
/// </summary>
internal static class ConversationHeader
{
    /// <summary>The request and response header naming the conversation.</summary>
    public const string Name = "x-threadsync-conversation-id";

    /// <summary>On responses: <c>full</c> when the history was prepended and the turns kept, <c>metadata</c> when the org keeps only metadata (no history).</summary>
    public const string Memory = "x-threadsync-conversation-memory";

    /// <summary>The request's conversation: the body's <c>conversation_id</c>, else the header's; both must agree when both are sent.</summary>
    /// <param name="request">The request.</param>
    /// <param name="bodyId">The body's <c>conversation_id</c>, already checked, if any.</param>
    /// <returns>The id, or <see langword="null"/> for none.</returns>
    public static string? Resolve(HttpRequest request, string? bodyId)
    {
        if (!request.Headers.TryGetValue(Name, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return bodyId;
        }

        var headerId = values[0]!.Trim();
        if (values.Count > 1 || !ConversationIds.IsValid(headerId))
        {
            throw new GatewayException(400, GatewayErrorCodes.InvalidParameter, $"The '{Name}' header must be one id of {ConversationIds.Rule}.", param: Name);
        }

        if (bodyId is not null && !string.Equals(bodyId, headerId, StringComparison.Ordinal))
        {
            throw new GatewayException(400, GatewayErrorCodes.InvalidParameter, $"'conversation_id' and the '{Name}' header name different conversations.", param: "conversation_id");
        }

        return headerId;
    }

    /// <summary>Echoes the conversation of a served request.</summary>
    /// <param name="headers">The response headers.</param>
    /// <param name="context">The request.</param>
    public static void Write(IHeaderDictionary headers, GatewayRequestContext context)
    {
        if (context.ConversationId is { } id)
        {
            headers[Name] = id;
            headers[Memory] = context.Caller.ConversationCapture == ConversationCapture.Full ? "full" : "metadata";
        }
    }
}
