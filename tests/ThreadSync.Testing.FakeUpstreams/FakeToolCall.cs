namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>A function tool call a fake reply asks for.</summary>
/// <param name="Id">The call id, for example <c>call_1</c>.</param>
/// <param name="Name">The function name.</param>
/// <param name="ArgumentsJson">The arguments as a JSON string, sent verbatim (it may be invalid JSON on purpose).</param>
public sealed record FakeToolCall(string Id, string Name, string ArgumentsJson);
