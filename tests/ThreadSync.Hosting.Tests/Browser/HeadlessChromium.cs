using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace ThreadSync.Hosting.Tests.Browser;

/// <summary>
/// A headless Chromium driven over the DevTools protocol (a <see cref="ClientWebSocket"/>, JSON through
/// <see cref="JsonNode"/>: no driver, no package, no reflection-based serialization). Launched with
/// <c>--headless=new --remote-debugging-port=0</c> and a throwaway profile; the DevTools address is read from the
/// <c>DevTools listening on ws://…</c> line on stderr. Each <see cref="NewPageAsync"/> opens a tab in its own browser
/// context (separate storage). Safe for concurrent use.
/// </summary>
/// <remarks>
/// The executable is <c>THREADSYNC_CHROMIUM</c> when set, else the first of <c>/usr/bin/chromium</c>,
/// <c>/usr/bin/chromium-browser</c>, <c>/usr/bin/google-chrome</c> that exists; test.sh installs Chromium with
/// apt-get when it is missing. Playwright .NET was not used: it serializes its protocol with reflection-based
/// System.Text.Json, which this repository turns off process-wide (JsonSerializerIsReflectionEnabledByDefault).
/// </remarks>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private static readonly TimeSpan LaunchTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly ConcurrentDictionary<string, Action<string, JsonObject>> _sessions = new();
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private Task _receiveLoop = Task.CompletedTask;
    private long _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>Finds the Chromium executable, or explains how to get one.</summary>
    /// <returns>The executable's path.</returns>
    /// <exception cref="InvalidOperationException">No Chromium is installed.</exception>
    public static string FindExecutable()
    {
        var configured = Environment.GetEnvironmentVariable("THREADSYNC_CHROMIUM");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"THREADSYNC_CHROMIUM names '{configured}', which does not exist.");
        }

        foreach (var candidate in (string[])["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"])
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "The browser tests need Chromium: run ./test.sh (it installs it with apt-get), `apt-get install chromium`, or set THREADSYNC_CHROMIUM.");
    }

    /// <summary>Starts Chromium and connects to it.</summary>
    /// <returns>The browser.</returns>
    public static async Task<HeadlessChromium> LaunchAsync()
    {
        var profile = Directory.CreateTempSubdirectory("threadsync-chromium-").FullName;
        var start = new ProcessStartInfo(FindExecutable())
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[
            "--headless=new", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1", $"--user-data-dir={profile}",
            "--no-sandbox", "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-extensions", "--disable-background-networking", "--disable-sync", "--disable-component-update",
            "--password-store=basic", "--use-mock-keychain", "about:blank"])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Chromium did not start.");
        var browser = new HeadlessChromium(process, profile);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("Chromium exited before listening:\n" + browser.Diagnostics));
                return;
            }

            browser._stderr.Enqueue(e.Data);
            const string Marker = "DevTools listening on ";
            var at = e.Data.IndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                listening.TrySetResult(new Uri(e.Data[(at + Marker.Length)..].Trim()));
            }
        };
        process.OutputDataReceived += static (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        try
        {
            var address = await listening.Task.WaitAsync(LaunchTimeout);
            await browser._socket.ConnectAsync(address, CancellationToken.None).WaitAsync(LaunchTimeout);
            browser._receiveLoop = Task.Run(browser.ReceiveAsync);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Gets Chromium's recent stderr lines, for failure messages.</summary>
    public string Diagnostics => string.Join('\n', _stderr.TakeLast(40));

    /// <summary>Opens a blank tab in a fresh browser context (its own cookies and storage).</summary>
    /// <returns>The page.</returns>
    public async Task<BrowserPage> NewPageAsync()
    {
        var context = (string)(await SendAsync("Target.createBrowserContext", new JsonObject { ["disposeOnDetach"] = true }))["browserContextId"]!;
        var target = (string)(await SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank", ["browserContextId"] = context }))["targetId"]!;
        var session = (string)(await SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target, ["flatten"] = true }))["sessionId"]!;
        var page = new BrowserPage(this, context, target, session);
        _sessions[session] = page.OnEvent;
        await SendAsync("Runtime.enable", null, session);
        await SendAsync("Page.enable", null, session);
        return page;
    }

    /// <summary>Sends a DevTools command and waits for its result.</summary>
    /// <param name="method">The command, e.g. <c>Runtime.evaluate</c>.</param>
    /// <param name="parameters">Its parameters.</param>
    /// <param name="sessionId">The page session, or <see langword="null"/> for the browser.</param>
    /// <returns>The command's result.</returns>
    /// <exception cref="InvalidOperationException">The command failed.</exception>
    public async Task<JsonObject> SendAsync(string method, JsonObject? parameters, string? sessionId = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? [] };
        if (sessionId is not null)
        {
            message["sessionId"] = sessionId;
        }

        var reply = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _sendGate.WaitAsync();
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sendGate.Release();
        }

        JsonObject answer;
        try
        {
            answer = await reply.Task.WaitAsync(CommandTimeout);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }

        if (answer["error"] is JsonObject error)
        {
            throw new InvalidOperationException($"DevTools {method} failed: {error.ToJsonString()}");
        }

        return answer["result"] as JsonObject ?? [];
    }

    /// <summary>Closes the page's tab and its browser context.</summary>
    /// <param name="page">The page.</param>
    /// <returns>A task that completes once closed.</returns>
    internal async Task ClosePageAsync(BrowserPage page)
    {
        _sessions.TryRemove(page.SessionId, out _);
        if (_socket.State != WebSocketState.Open)
        {
            return;
        }

        await SendAsync("Target.closeTarget", new JsonObject { ["targetId"] = page.TargetId });
        await SendAsync("Target.disposeBrowserContext", new JsonObject { ["browserContextId"] = page.ContextId });
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await SendAsync("Browser.close", null).WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or WebSocketException)
        {
            // Killed below.
        }

        await _stop.CancelAsync();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        try
        {
            await _receiveLoop;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The browser is gone.
        }

        _socket.Dispose();
        _process.Dispose();
        _stop.Dispose();
        _sendGate.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // A crash reporter may still hold a file; the temp folder is cleaned eventually.
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
        {
            ValueWebSocketReceiveResult received;
            try
            {
                received = await _socket.ReceiveAsync(buffer.AsMemory(), _stop.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                break;
            }

            if (received.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage)
            {
                continue;
            }

            var node = JsonNode.Parse(message.GetBuffer().AsSpan(0, (int)message.Length)) as JsonObject;
            message.SetLength(0);
            if (node is null)
            {
                continue;
            }

            if (node["id"] is JsonValue id && _pending.TryGetValue(id.GetValue<long>(), out var reply))
            {
                reply.TrySetResult(node);
            }
            else if (node["sessionId"] is JsonValue session && node["method"] is JsonValue method
                && _sessions.TryGetValue(session.GetValue<string>(), out var handler))
            {
                handler(method.GetValue<string>(), node["params"] as JsonObject ?? []);
            }
        }

        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(new InvalidOperationException("The DevTools connection closed.\n" + Diagnostics));
        }
    }
}
