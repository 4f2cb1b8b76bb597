using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway.Usage;

/// <summary>The facts of a request, besides its usage, that its price depends on.</summary>
internal readonly record struct CostContext
{
    /// <summary>The key under which OpenAI-shaped callers pass <c>web_search_options</c> (a <see cref="JsonElement"/> object) in <c>ChatOptions.AdditionalProperties</c>.</summary>
    public const string WebSearchOptionsKey = "web_search_options";

    /// <summary>Gets the day (UTC) whose prices apply (announced price changes).</summary>
    public DateOnly Date { get; init; }

    /// <summary>Gets the search context size the caller asked for; selects the per-request search fee.</summary>
    public SearchContextSize SearchContextSize { get; init; }

    /// <summary>Creates the context of a request.</summary>
    /// <param name="options">The request's options; <c>web_search_options.search_context_size</c> is read from them (default <c>low</c>).</param>
    /// <param name="now">The time of the request, from the injected <see cref="TimeProvider"/>.</param>
    /// <returns>The context.</returns>
    public static CostContext Create(ChatOptions? options, DateTimeOffset now) => new()
    {
        Date = DateOnly.FromDateTime(now.UtcDateTime),
        SearchContextSize = ReadSearchContextSize(options),
    };

    /// <summary>Reads <c>web_search_options.search_context_size</c> without allocating; anything unknown is <c>low</c>.</summary>
    internal static SearchContextSize ReadSearchContextSize(ChatOptions? options)
    {
        if (options?.AdditionalProperties?.TryGetValue(WebSearchOptionsKey, out var value) != true
            || value is not JsonElement { ValueKind: JsonValueKind.Object } webSearch
            || !webSearch.TryGetProperty("search_context_size"u8, out var size)
            || size.ValueKind != JsonValueKind.String)
        {
            return SearchContextSize.Low;
        }

        return size.ValueEquals("high"u8) ? SearchContextSize.High
            : size.ValueEquals("medium"u8) ? SearchContextSize.Medium
            : SearchContextSize.Low;
    }
}
