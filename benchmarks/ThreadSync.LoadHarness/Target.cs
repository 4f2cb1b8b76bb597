namespace ThreadSync.LoadHarness;

/// <summary>
/// One configuration under load: where to send (requests alternate between several instances), what headers to add,
/// and the processes behind it (for memory figures).
/// </summary>
internal sealed class Target(string name, IReadOnlyList<Uri> endpoints, IReadOnlyList<KeyValuePair<string, string>> headers, IReadOnlyList<ChildProcess> processes)
{
    /// <summary>Gets the name shown in the report.</summary>
    public string Name { get; } = name;

    /// <summary>Gets the chat completions URLs, one per instance.</summary>
    public IReadOnlyList<Uri> Endpoints { get; } = endpoints;

    /// <summary>Gets the headers every request carries (credentials, a peer's routing headers).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; } = headers;

    /// <summary>Gets the gateway processes (not the shared upstream).</summary>
    public IReadOnlyList<ChildProcess> Processes { get; } = processes;
}
