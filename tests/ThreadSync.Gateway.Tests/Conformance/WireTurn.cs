namespace ThreadSync.Gateway.Tests.Conformance;

/// <summary>One conversation turn as a provider received it: normalized role (<c>user</c>/<c>assistant</c>/<c>tool</c>) and its text.</summary>
internal sealed record WireTurn(string Role, string Text);
