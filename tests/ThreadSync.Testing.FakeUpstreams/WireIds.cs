namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>Random ids in each provider's style.</summary>
internal static class WireIds
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private const string Hex = "0123456789abcdef";

    /// <summary>An OpenAI completion id: <c>chatcmpl-</c> plus 29 base-62 characters.</summary>
    /// <returns>The id.</returns>
    public static string NewChatCompletionId() => Random("chatcmpl-", 29, Base62);

    /// <summary>An OpenAI request id: <c>req_</c> plus 32 hex characters.</summary>
    /// <returns>The id.</returns>
    public static string NewRequestId() => Random("req_", 32, Hex);

    /// <summary>A UUID in the usual 8-4-4-4-12 form (xAI and Perplexity completion ids).</summary>
    /// <returns>The id.</returns>
    public static string NewUuid() => Guid.NewGuid().ToString("D");

    private static string Random(string prefix, int length, string alphabet) =>
        string.Create(prefix.Length + length, (prefix, alphabet), static (span, state) =>
        {
            state.prefix.AsSpan().CopyTo(span);
            var rest = span[state.prefix.Length..];
            System.Random.Shared.GetItems(state.alphabet.AsSpan(), rest);
        });
}
