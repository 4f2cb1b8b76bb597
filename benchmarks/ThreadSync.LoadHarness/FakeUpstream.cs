using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ThreadSync.LoadHarness;

/// <summary>
/// The upstream every configuration calls: an OpenAI Chat Completions endpoint that answers at once with canned bytes,
/// so what the harness measures is the path in front of it. Runs in its own process (<c>upstream --port N</c>), so
/// its work is not mixed with the load generator's.
/// </summary>
/// <remarks>
/// A request whose body has <c>"stream":true</c> gets an event stream: a role chunk, ten content chunks, the finish
/// chunk, a usage chunk and <c>data: [DONE]</c>, written at once. Anything else gets one <c>chat.completion</c> with
/// usage. Both are exactly OpenAI's wire format, which the gateways parse and re-emit.
/// </remarks>
internal static class FakeUpstream
{
    /// <summary>The text of every answer; a client checks it arrived intact.</summary>
    public const string AnswerText = "ThreadSync load harness answer: the quick brown fox jumps over the lazy dog, twice over.";

    /// <summary>The model every answer names.</summary>
    public const string Model = "gpt-5.4-mini";

    private static readonly byte[] StreamFlag = "\"stream\":true"u8.ToArray();
    private static readonly byte[] Completion = Encoding.UTF8.GetBytes(
        $$"""{"id":"chatcmpl-load","object":"chat.completion","created":1764000000,"model":"{{Model}}","choices":[{"index":0,"message":{"role":"assistant","content":"{{AnswerText}}","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":64,"completion_tokens":24,"total_tokens":88},"system_fingerprint":"fp_load"}""");

    private static readonly byte[] Stream = BuildStream();

    /// <summary>Serves on <c>127.0.0.1:<paramref name="port"/></c> until the process is stopped.</summary>
    public static async Task RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.Listen(System.Net.IPAddress.Loopback, port);
            options.AddServerHeader = false;
            options.Limits.Http2.MaxStreamsPerConnection = 1000;
            options.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        Console.WriteLine($"upstream ready on {port}");
        await app.WaitForShutdownAsync();
    }

    private static async Task HandleAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            // Health probe: the harness polls GET / until the upstream answers.
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        var streaming = await ReadsStreamFlagAsync(context.Request);
        var body = streaming ? Stream : Completion;
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = streaming ? "text/event-stream" : "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body);
    }

    private static async Task<bool> ReadsStreamFlagAsync(HttpRequest request)
    {
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync();
            if (result.IsCompleted)
            {
                var found = Contains(result.Buffer, StreamFlag);
                reader.AdvanceTo(result.Buffer.End);
                return found;
            }

            // Read it all: the flag can sit anywhere in the JSON object.
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static bool Contains(ReadOnlySequence<byte> buffer, byte[] value)
    {
        if (buffer.IsSingleSegment)
        {
            return buffer.FirstSpan.IndexOf(value) >= 0;
        }

        return buffer.ToArray().AsSpan().IndexOf(value) >= 0;
    }

    private static byte[] BuildStream()
    {
        var words = AnswerText.Split(' ');
        var perChunk = (words.Length + 9) / 10;
        var text = new StringBuilder();
        const string Head = """{"id":"chatcmpl-load","object":"chat.completion.chunk","created":1764000000,"model":"gpt-5.4-mini","system_fingerprint":"fp_load","choices":[""";
        text.Append("data: ").Append(Head).Append("""{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}""").Append("\n\n");
        for (var i = 0; i < words.Length; i += perChunk)
        {
            var piece = string.Join(' ', words.Skip(i).Take(perChunk)) + (i + perChunk < words.Length ? " " : string.Empty);
            text.Append("data: ").Append(Head).Append("{\"index\":0,\"delta\":{\"content\":\"").Append(piece).Append("\"},\"logprobs\":null,\"finish_reason\":null}]}").Append("\n\n");
        }

        text.Append("data: ").Append(Head).Append("""{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}""").Append("\n\n");
        text.Append("data: ").Append("""{"id":"chatcmpl-load","object":"chat.completion.chunk","created":1764000000,"model":"gpt-5.4-mini","system_fingerprint":"fp_load","choices":[],"usage":{"prompt_tokens":64,"completion_tokens":24,"total_tokens":88}}""").Append("\n\n");
        text.Append("data: [DONE]\n\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
