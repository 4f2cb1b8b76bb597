using System.Text.Json;

namespace ThreadSync.Hosting.Tests;

/// <summary>One server-sent event with a name: <c>event: &lt;Name&gt;</c> and its JSON <c>data</c>.</summary>
public sealed record NamedEvent(string Name, JsonElement Data);
