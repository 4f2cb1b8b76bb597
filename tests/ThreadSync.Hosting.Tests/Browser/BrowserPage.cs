using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ThreadSync.Hosting.Tests.Browser;

/// <summary>A tab of <see cref="HeadlessChromium"/>: navigate, evaluate script, wait on conditions.</summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);

    private readonly HeadlessChromium _browser;
    private readonly ConcurrentQueue<string> _console = new();

    internal BrowserPage(HeadlessChromium browser, string contextId, string targetId, string sessionId)
    {
        _browser = browser;
        ContextId = contextId;
        TargetId = targetId;
        SessionId = sessionId;
    }

    /// <summary>Gets the page's console messages and uncaught exceptions so far, for failure messages.</summary>
    public string Console => string.Join('\n', _console);

    internal string ContextId { get; }

    internal string TargetId { get; }

    internal string SessionId { get; }

    /// <summary>Opens a URL and waits until its document has loaded.</summary>
    /// <param name="url">The URL.</param>
    /// <returns>A task that completes once the page is loaded.</returns>
    public async Task GotoAsync(Uri url)
    {
        var navigated = await _browser.SendAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() }, SessionId);
        if (navigated["errorText"] is JsonValue error)
        {
            throw new InvalidOperationException($"Navigating to {url} failed: {error}");
        }

        await WaitForAsync($"location.href === {JsonValue.Create(url.ToString()).ToJsonString()} && document.readyState === 'complete'");
    }

    /// <summary>
    /// Evaluates a JavaScript expression (awaiting it if it is a promise) and returns its JSON value.
    /// </summary>
    /// <param name="expression">The expression, e.g. <c>(async () =&gt; { … })()</c>.</param>
    /// <returns>The value, or <see langword="null"/> for <c>undefined</c>/<c>null</c>.</returns>
    /// <exception cref="InvalidOperationException">The script threw.</exception>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await _browser.SendAsync(
            "Runtime.evaluate",
            new JsonObject { ["expression"] = expression, ["awaitPromise"] = true, ["returnByValue"] = true },
            SessionId);
        if (result["exceptionDetails"] is JsonObject details)
        {
            var description = details["exception"]?["description"]?.ToString() ?? details["text"]?.ToString();
            throw new InvalidOperationException($"The script threw: {description}\nConsole:\n{Console}");
        }

        return result["result"]?["value"]?.DeepClone();
    }

    /// <summary>
    /// Calls an async JavaScript function with one argument (passed as JSON) and returns its JSON result.
    /// </summary>
    /// <param name="function">The function's source, e.g. <c>async (a) =&gt; a.x</c>.</param>
    /// <param name="argument">Its argument.</param>
    /// <returns>The value.</returns>
    public Task<JsonNode?> CallAsync(string function, JsonNode? argument) =>
        EvaluateAsync($"({function})({argument?.ToJsonString() ?? "undefined"})");

    /// <summary>Waits (polling) until a JavaScript expression is truthy.</summary>
    /// <param name="expression">The condition.</param>
    /// <param name="timeout">How long to wait; 30 seconds by default.</param>
    /// <returns>A task that completes once the condition holds.</returns>
    /// <exception cref="TimeoutException">The condition did not hold in time.</exception>
    public async Task WaitForAsync(string expression, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultWait;
        while (true)
        {
            var value = await EvaluateAsync($"!!({expression})");
            if (value is JsonValue truth && truth.GetValue<bool>())
            {
                return;
            }

            if (deadline.Elapsed > limit)
            {
                var body = await EvaluateAsync("document.body ? document.body.innerText : ''");
                throw new TimeoutException($"Waited {limit} for `{expression}`.\nPage text:\n{body}\nConsole:\n{Console}");
            }

            await Task.Delay(Poll);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await _browser.ClosePageAsync(this);

    internal void OnEvent(string method, JsonObject parameters)
    {
        if (method == "Runtime.consoleAPICalled")
        {
            var args = parameters["args"] as JsonArray ?? [];
            _console.Enqueue($"console.{parameters["type"]}: " + string.Join(' ', args.Select(static a => a?["value"]?.ToString() ?? a?["description"]?.ToString())));
        }
        else if (method == "Runtime.exceptionThrown")
        {
            var details = parameters["exceptionDetails"];
            _console.Enqueue("uncaught: " + (details?["exception"]?["description"]?.ToString() ?? details?["text"]?.ToString()));
        }
    }
}
