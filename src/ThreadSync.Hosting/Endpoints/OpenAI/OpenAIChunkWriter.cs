using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Hosting.Serialization;
using ThreadSync.Gateway;
using ThreadSync.Hosting.Streaming;

namespace ThreadSync.Hosting.Endpoints.OpenAI;

/// <summary>
/// Writes normalized stream updates as OpenAI <c>chat.completion.chunk</c> server-sent events ending in
/// <c>data: [DONE]</c>. The finish chunk is held back until the upstream stream ends so citations can ride on
/// it; the usage chunk (<c>choices: []</c>) is sent only when the client asked with <c>stream_options.include_usage</c>.
/// </summary>
internal sealed class OpenAIChunkWriter : IStreamResponseWriter
{
    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;

    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;

    private readonly PipeWriter _pipe;
    private readonly Utf8JsonWriter _json;
    private readonly string _id;
    private readonly string _correlationId;
    private readonly long _created;
    private readonly bool _includeUsage;
    private readonly List<AIContent> _citationHolders = [];
    private readonly StreamFinish _finish;
    private bool _sentRole;
    private int _toolCallCount;

    public OpenAIChunkWriter(PipeWriter pipe, GatewayRequestContext context, long createdUnixSeconds, bool includeUsage)
    {
        _pipe = pipe;
        _json = new Utf8JsonWriter(pipe, HostingJson.WriterOptions);
        _id = "chatcmpl-" + context.CorrelationId;
        _correlationId = context.CorrelationId;
        _created = createdUnixSeconds;
        _includeUsage = includeUsage;
        _finish = new StreamFinish(context);
    }

    public async ValueTask WriteAsync(ChatResponseUpdate update, CancellationToken cancellationToken)
    {
        _finish.Observe(update);
        if (!_sentRole)
        {
            WriteDeltaChunk(static (w, _) => w.WriteString("content", string.Empty), (object?)null, role: true);
            _sentRole = true;
        }

        List<FunctionCallContent>? calls = null;
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 } text:
                    WriteDeltaChunk(static (w, t) => w.WriteString("content", t), text.Text);
                    break;
                case TextReasoningContent { Text.Length: > 0 } reasoning:
                    WriteDeltaChunk(static (w, t) => w.WriteString("reasoning_content", t), reasoning.Text);
                    break;
                case ErrorContent { ErrorCode: GatewayContentKeys.RefusalErrorCode } refusal:
                    WriteDeltaChunk(static (w, t) => w.WriteString("refusal", t), refusal.Message);
                    break;
                case FunctionCallContent call:
                    (calls ??= []).Add(call);
                    break;
            }

            if (content.Annotations is { Count: > 0 })
            {
                _citationHolders.Add(content);
            }
        }

        if (calls is not null)
        {
            // Indexes run across the whole stream: providers that emit calls one at a time (Anthropic) must not
            // reuse index 0, or OpenAI clients would merge different calls into one.
            WriteDeltaChunk(static (w, s) => OpenAIWireFormat.WriteToolCalls(w, s.calls, firstIndex: s.first), (calls, first: _toolCallCount));
            _toolCallCount += calls.Count;
        }

        await FlushAsync(cancellationToken);
    }

    /// <summary>Writes the finish chunk, the usage chunk when requested, and <c>[DONE]</c>.</summary>
    public async ValueTask CompleteAsync(GatewayUsage? usage, CancellationToken cancellationToken)
    {
        if (!_sentRole)
        {
            WriteDeltaChunk(static (w, _) => w.WriteString("content", string.Empty), (object?)null, role: true);
        }

        WriteChoiceChunk(
            static (_, _) => { },
            (object?)null,
            role: false,
            finishReason: OpenAIWireFormat.FinishReason(_finish.Reason),
            citations: _citationHolders);

        if (_includeUsage)
        {
            BeginEvent();
            WriteChunkHeader();
            _json.WritePropertyName("choices");
            _json.WriteStartArray();
            _json.WriteEndArray();
            OpenAIWireFormat.WriteUsage(_json, usage ?? new GatewayUsage());
            EndEvent();
        }

        _pipe.Write("data: [DONE]\n\n"u8);
        await FlushAsync(cancellationToken);
    }

    /// <summary>Writes an error event after the stream started; the stream then ends without <c>[DONE]</c>.</summary>
    public async ValueTask FailAsync(GatewayException error, CancellationToken cancellationToken)
    {
        _pipe.Write(DataPrefix);
        _json.Reset(_pipe);
        Http.ErrorResponses.WriteBody(_json, error, _correlationId);
        _json.Flush();
        _pipe.Write(EventEnd);
        await FlushAsync(cancellationToken);
    }

    /// <summary>Writes an SSE comment (<c>: keep-alive</c>), which OpenAI clients ignore.</summary>
    public async ValueTask WriteKeepAliveAsync(CancellationToken cancellationToken)
    {
        _pipe.Write(": keep-alive\n\n"u8);
        await FlushAsync(cancellationToken);
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        // When the client has gone, stop the answer rather than keep pulling tokens for nobody.
        var result = await _pipe.FlushAsync(cancellationToken);
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new OperationCanceledException("The client disconnected.");
        }
    }

    private void WriteDeltaChunk<TState>(Action<Utf8JsonWriter, TState> writeDelta, TState state, bool role = false) =>
        WriteChoiceChunk(writeDelta, state, role, finishReason: null, citations: null);

    /// <summary>One <c>choices[0]</c> chunk: the delta, the finish reason (null until the end), and citations on the finish.</summary>
    private void WriteChoiceChunk<TState>(Action<Utf8JsonWriter, TState> writeDelta, TState state, bool role, string? finishReason, List<AIContent>? citations)
    {
        BeginEvent();
        WriteChunkHeader();
        _json.WritePropertyName("choices");
        _json.WriteStartArray();
        _json.WriteStartObject();
        _json.WriteNumber("index", 0);
        _json.WritePropertyName("delta");
        _json.WriteStartObject();
        if (role)
        {
            _json.WriteString("role", "assistant");
        }

        writeDelta(_json, state);
        _json.WriteEndObject();
        _json.WriteNull("logprobs");
        _json.WriteString("finish_reason", finishReason);
        _json.WriteEndObject();
        _json.WriteEndArray();
        if (citations is not null)
        {
            OpenAIWireFormat.WriteCitations(_json, citations);
        }

        EndEvent();
    }

    private void WriteChunkHeader()
    {
        _json.WriteString("id", _id);
        _json.WriteString("object", "chat.completion.chunk");
        _json.WriteNumber("created", _created);
        _json.WriteString("model", _finish.Model ?? string.Empty);
    }

    private void BeginEvent()
    {
        _pipe.Write(DataPrefix);
        _json.Reset(_pipe);
        _json.WriteStartObject();
    }

    private void EndEvent()
    {
        _json.WriteEndObject();
        _json.Flush();
        _pipe.Write(EventEnd);
    }
}
