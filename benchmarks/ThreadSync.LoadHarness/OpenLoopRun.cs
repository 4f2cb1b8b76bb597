using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace ThreadSync.LoadHarness;

/// <summary>
/// Sends requests at a fixed rate whatever the responses do (open loop), and measures each from the moment it was
/// scheduled, so a stalled server is charged for the requests that queued behind it (no coordinated omission).
/// </summary>
/// <remarks>
/// A dedicated thread keeps the schedule, sleeping with microsecond precision (<see cref="PreciseSleep"/>) and handing
/// each due request to the thread pool. A response counts as correct when its status is 200 and its body carries the
/// upstream's answer (streams: the first words and <c>[DONE]</c>).
/// </remarks>
internal static class OpenLoopRun
{
    private const string OverheadHeader = "x-threadsync-overhead-ms";
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly byte[] ContentStart = "\"content\":\""u8.ToArray();
    private static readonly byte[] AnswerStart = "ThreadSync load"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]"u8.ToArray();
    private static readonly byte[] Answer = System.Text.Encoding.UTF8.GetBytes(FakeUpstream.AnswerText);

    public static async Task<LoadResult> RunAsync(HttpClient http, Target target, byte[] body, bool stream, int rate, TimeSpan duration)
    {
        var count = Math.Max(1, (int)(rate * duration.TotalSeconds));
        var samples = new Sample[count];
        var remaining = count;
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var interval = (double)Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 100);

        var scheduler = new Thread(() =>
        {
            PreciseSleep.UseFineTimerSlack();
            for (var i = 0; i < count; i++)
            {
                var due = start + (long)(i * interval);
                var wait = due - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    PreciseSleep.Sleep(wait);
                }

                var request = new Request(http, target, body, stream, i, due, samples, () =>
                {
                    if (Interlocked.Decrement(ref remaining) == 0)
                    {
                        finished.TrySetResult();
                    }
                });
                ThreadPool.UnsafeQueueUserWorkItem(static r => _ = r.SendAsync(), request, preferLocal: false);
            }
        })
        {
            IsBackground = true,
            Name = "open-loop scheduler",
            Priority = ThreadPriority.AboveNormal,
        };
        scheduler.Start();
        await finished.Task;
        scheduler.Join();

        var ticksPerMs = Stopwatch.Frequency / 1000.0;
        var good = samples.Where(s => s.Ok).ToArray();
        var latencies = good.Select(s => s.Latency / ticksPerMs).Order().ToArray();
        var firstTokens = stream ? good.Select(s => s.FirstToken / ticksPerMs).Order().ToArray() : [];
        var overheads = good.Where(s => s.Overhead >= 0).Select(s => s.Overhead).Order().ToArray();
        var lags = samples.Select(s => s.Lag / ticksPerMs).Order().ToArray();
        return new LoadResult(rate, duration, count, good.Length, latencies, firstTokens, overheads, LoadResult.Percentile(lags, 0.99));
    }

    private static bool Contains(ReadOnlySpan<byte> text, ReadOnlySpan<byte> value) => text.IndexOf(value) >= 0;

    /// <summary>Whether the bytes hold a content delta with at least one character (<c>"content":"x</c>).</summary>
    private static bool HasContentToken(ReadOnlySpan<byte> text)
    {
        while (true)
        {
            var at = text.IndexOf(ContentStart);
            if (at < 0 || at + ContentStart.Length >= text.Length)
            {
                return false;
            }

            if (text[at + ContentStart.Length] != (byte)'"')
            {
                return true;
            }

            text = text[(at + ContentStart.Length)..];
        }
    }

    private struct Sample
    {
        public long Latency;
        public long FirstToken;
        public long Lag;
        public double Overhead;
        public bool Ok;
    }

    private sealed class Request(HttpClient http, Target target, byte[] body, bool stream, int index, long due, Sample[] samples, Action done)
    {
        public async Task SendAsync()
        {
            samples[index].Overhead = -1;
            samples[index].Lag = Stopwatch.GetTimestamp() - due;
            byte[]? buffer = null;
            try
            {
                var endpoints = target.Endpoints;
                using var message = new HttpRequestMessage(HttpMethod.Post, endpoints[index % endpoints.Count]) { Content = new ByteArrayContent(body) };
                message.Content.Headers.ContentType = Json;
                foreach (var (name, value) in target.Headers)
                {
                    message.Headers.TryAddWithoutValidation(name, value);
                }

                using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
                if (response.Headers.TryGetValues(OverheadHeader, out var values))
                {
                    samples[index].Overhead = double.Parse(values.First(), CultureInfo.InvariantCulture);
                }

                buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
                var filled = 0;
                long firstToken = 0;
                await using (var content = await response.Content.ReadAsStreamAsync())
                {
                    int read;
                    while ((read = await content.ReadAsync(buffer.AsMemory(filled))) > 0)
                    {
                        // Look again at the last few bytes too: the token's marker may straddle two reads.
                        var from = Math.Max(0, filled - ContentStart.Length);
                        filled += read;
                        if (stream && firstToken == 0 && HasContentToken(buffer.AsSpan(from, filled - from)))
                        {
                            firstToken = Stopwatch.GetTimestamp();
                        }

                        if (filled == buffer.Length)
                        {
                            var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                            buffer.AsSpan().CopyTo(larger);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = larger;
                        }
                    }
                }

                var end = Stopwatch.GetTimestamp();
                var text = buffer.AsSpan(0, filled);
                var ok = response.StatusCode == System.Net.HttpStatusCode.OK
                    && (stream ? firstToken != 0 && Contains(text, AnswerStart) && Contains(text, Done) : Contains(text, Answer));
                samples[index].Latency = end - due;
                samples[index].FirstToken = firstToken - due;
                samples[index].Ok = ok;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                samples[index].Ok = false;
            }
            finally
            {
                if (buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                done();
            }
        }
    }
}
