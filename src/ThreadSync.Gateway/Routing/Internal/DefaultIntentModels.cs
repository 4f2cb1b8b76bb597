namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>
/// The built-in preference list of each intent, best first, drawn from the embedded catalog's current models
/// (research date 2026-11-23). <c>ThreadSync:Routing:Intents</c> replaces any of them; ids missing from a custom
/// catalog are skipped.
/// </summary>
internal static class DefaultIntentModels
{
    public static IReadOnlyList<string> For(RequestIntent intent) => intent switch
    {
        // Strong coders first; grok-build is xAI's code model; the mini keeps a cheap option in the list.
        RequestIntent.Code => ["claude-sonnet-4-6", "gpt-5.4", "claude-opus-4-8", "gemini-3.1-pro-preview", "grok-build-0.1", "gpt-5.4-mini"],

        // Only Perplexity's Sonar models search the web as part of the answer.
        RequestIntent.Search => ["sonar-pro", "sonar", "sonar-reasoning-pro"],

        RequestIntent.Reasoning => ["claude-opus-4-8", "gpt-5.5", "gpt-5.4", "gemini-3.1-pro-preview", "grok-4.5", "claude-sonnet-4-6"],

        RequestIntent.Fast => ["claude-haiku-4-5", "gpt-5.4-mini", "gemini-3.5-flash-lite", "gpt-5.4-nano", "grok-4.20-0309-non-reasoning"],

        RequestIntent.Vision => ["gpt-5.4", "claude-sonnet-4-6", "gemini-3.8-flash", "gemini-3.1-pro-preview", "grok-4.3"],

        // The largest windows: 1M+ tokens (grok-4.20 takes 2M).
        RequestIntent.LongContext => ["gemini-3.1-pro-preview", "gpt-5.4", "gemini-3.8-flash", "grok-4.20-0309-reasoning", "grok-4.3", "gpt-5.5"],

        RequestIntent.General => ["claude-sonnet-4-6", "gpt-5.4", "gemini-3.8-flash", "grok-4.3", "gpt-5.4-mini", "claude-haiku-4-5"],

        _ => [],
    };
}
