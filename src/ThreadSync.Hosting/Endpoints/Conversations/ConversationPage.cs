using Microsoft.AspNetCore.Http;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Admin;

namespace ThreadSync.Hosting.Endpoints.Conversations;

/// <summary>One page of a conversation listing, newest activity first, and where the next page starts.</summary>
/// <param name="Conversations">The page's conversations.</param>
/// <param name="HasMore">Whether more conversations follow.</param>
/// <param name="NextAfter">The <c>after</c> value of the next page when <paramref name="HasMore"/>, else <see langword="null"/>.</param>
internal sealed record ConversationPage(IReadOnlyList<Conversation> Conversations, bool HasMore, string? NextAfter)
{
    public const int DefaultLimit = 20;

    public const int MaxLimit = 100;

    /// <summary>Reads <c>limit</c> (1–100, 20 by default) and <c>after</c> (a <c>next_after</c> value) from the query string.</summary>
    /// <exception cref="ThreadSync.Gateway.GatewayException">400 <c>invalid_parameter</c> naming the parameter.</exception>
    public static (int Limit, ConversationCursor? After) ReadPaging(HttpRequest request)
    {
        var limit = AdminQuery.Int32(request, "limit", DefaultLimit, 1, MaxLimit);
        var text = AdminQuery.Get(request, "after");
        if (text is null)
        {
            return (limit, null);
        }

        return ConversationPageCursor.TryParse(text, out var after)
            ? (limit, after)
            : throw AdminErrors.Invalid("after", "'after' must be the 'next_after' value of a previous page of this listing.");
    }

    /// <summary>Lists one page: it asks the store for one conversation more than the page holds to learn whether more follow.</summary>
    public static async ValueTask<ConversationPage> ReadAsync(IConversationStore store, ConversationQuery query, CancellationToken cancellationToken)
    {
        var limit = query.Limit;
        var found = await store.ListAsync(query with { Limit = limit + 1 }, cancellationToken);
        if (found.Count <= limit)
        {
            return new ConversationPage(found, false, null);
        }

        var page = found.Take(limit).ToArray();
        return new ConversationPage(page, true, ConversationPageCursor.Format(page[^1]));
    }
}
