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

    /// <summary>An Anthropic message id: <c>msg_01</c> plus 22 base-62 characters.</summary>
    /// <returns>The id.</returns>
    public static string NewAnthropicMessageId() => Random("msg_01", 22, Base62);

    /// <summary>An Anthropic request id: <c>req_011C</c> plus 20 base-62 characters.</summary>
    /// <returns>The id.</returns>
    public static string NewAnthropicRequestId() => Random("req_011C", 20, Base62);

    /// <summary>A Gemini <c>responseId</c>: 22 base-62 characters.</summary>
    /// <returns>The id.</returns>
    public static string NewGeminiResponseId() => Random(string.Empty, 22, Base62);

    /// <summary>An opaque signature (Anthropic thinking <c>signature</c>, Gemini <c>thoughtSignature</c>): random bytes in base64.</summary>
    /// <param name="bytes">The number of random bytes.</param>
    /// <returns>The base64 text.</returns>
    public static string NewSignature(int bytes)
    {
        var buffer = new byte[bytes];
        System.Random.Shared.NextBytes(buffer);
        return Convert.ToBase64String(buffer);
    }

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
