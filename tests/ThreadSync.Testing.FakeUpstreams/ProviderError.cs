namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>An error the fake answers with; each dialect renders it in its own body shape.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Message">The <c>error.message</c> text.</param>
/// <param name="Type">The <c>error.type</c> text.</param>
/// <param name="Param">The <c>error.param</c> (OpenAI-style shapes only).</param>
/// <param name="Code">The <c>error.code</c> string (Perplexity always writes the numeric status instead).</param>
internal readonly record struct ProviderError(int Status, string Message, string Type, string? Param = null, string? Code = null);
