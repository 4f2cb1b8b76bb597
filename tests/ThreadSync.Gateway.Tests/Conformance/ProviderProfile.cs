using System.Text.Json;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.Conformance;

/// <summary>
/// What the conformance suite needs to know about one provider: which models to use, what it supports, how its
/// usage fields normalize, and how to read the normalized facts back out of the request body it received.
/// </summary>
internal abstract class ProviderProfile
{
    public abstract FakeProviderKind Kind { get; }

    public abstract string Model { get; }

    public virtual bool SupportsTools => true;

    /// <summary>Gets a usage in the provider's own wire semantics and what it must normalize to.</summary>
    public abstract (FakeUsage Wire, ExpectedUsage Normalized) Usage { get; }

    public static ProviderProfile For(FakeProviderKind kind) => kind switch
    {
        FakeProviderKind.OpenAI => new OpenAIProfile(),
        FakeProviderKind.XAI => new XAIProfile(),
        FakeProviderKind.Perplexity => new PerplexityProfile(),
        FakeProviderKind.Anthropic => new AnthropicProfile(),
        FakeProviderKind.Gemini => new GeminiProfile(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public abstract string? SystemText(JsonElement body);

    /// <summary>The conversation turns, system prompt excluded.</summary>
    public abstract IReadOnlyList<WireTurn> Turns(JsonElement body);

    public abstract int? MaxTokens(JsonElement body);

    public abstract IReadOnlyList<string> StopSequences(JsonElement body);

    public abstract double? Temperature(JsonElement body);

    /// <summary>The base64 payloads of the images sent.</summary>
    public abstract IReadOnlyList<string> Images(JsonElement body);

    public abstract IReadOnlyList<string> ToolNames(JsonElement body);

    /// <summary>What the tool result refers to (call id, or function name for Gemini) and its text.</summary>
    public abstract (string Reference, string Content)? ToolResult(JsonElement body);

    /// <summary>The assistant's earlier tool call as echoed back: id (or null when the wire has none), name and arguments.</summary>
    public abstract (string? Id, string Name, JsonElement Arguments)? EchoedToolCall(JsonElement body);

    /// <summary>Which tool-call fact a tool result refers to on this provider's wire.</summary>
    public virtual string ToolResultReference(string callId, string functionName) => callId;

    public abstract bool IsStreamRequest(RecordedRequest request);

    public override string ToString() => Kind.ToString();

    protected static string Concat(IEnumerable<string?> parts) => string.Concat(parts.Where(static p => p is not null));
}
