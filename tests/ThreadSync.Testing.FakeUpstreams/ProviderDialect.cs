using Microsoft.AspNetCore.Http;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// One provider's wire behaviour: routes, auth, validation, bodies and streams. The server records the request
/// and hands it here. Adding a provider means adding a <see cref="FakeProviderKind"/> value, one dialect class
/// and one line in <see cref="For"/>.
/// </summary>
internal abstract class ProviderDialect
{
    /// <summary>Gets the provider this dialect speaks.</summary>
    public abstract FakeProviderKind Kind { get; }

    /// <summary>Gets the path a client appends to the server origin to form its base URL (for example <c>/v1</c>, or empty).</summary>
    public abstract string BasePath { get; }

    /// <summary>Gets the path of the main generation endpoint (for Gemini, the <c>models</c> collection the model routes hang off).</summary>
    public abstract string ChatPath { get; }

    /// <summary>Creates the dialect for a provider.</summary>
    /// <param name="kind">The provider.</param>
    /// <returns>The dialect.</returns>
    public static ProviderDialect For(FakeProviderKind kind) => kind switch
    {
        FakeProviderKind.OpenAI => new OpenAIDialect(),
        FakeProviderKind.XAI => new XAIDialect(),
        FakeProviderKind.Perplexity => new PerplexityDialect(),
        FakeProviderKind.Anthropic => new AnthropicDialect(),
        FakeProviderKind.Gemini => new GeminiDialect(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown provider kind."),
    };

    /// <summary>Answers one (already recorded) request.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="body">The whole request body.</param>
    /// <param name="server">The server (key, options, reply queue).</param>
    /// <returns>A task that completes when the response is written.</returns>
    public abstract Task HandleAsync(HttpContext context, ReadOnlyMemory<byte> body, FakeProviderServer server);

    /// <summary>Answers 500 in the provider's error shape when the fake itself failed (so tests see why).</summary>
    /// <param name="context">The HTTP context (response not started).</param>
    /// <param name="message">The failure description.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public abstract Task WriteInternalErrorAsync(HttpContext context, string message);
}
