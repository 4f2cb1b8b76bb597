using System.IO.Pipelines;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway;
using ThreadSync.Hosting.Endpoints.OpenAI;
using ThreadSync.Hosting.Http;
using ThreadSync.Hosting.Streaming;

namespace ThreadSync.Hosting.Endpoints.Llm;

/// <summary>
/// Writes normalized stream updates as named server-sent events: <c>start</c>, then <c>text_delta</c>,
/// <c>reasoning_delta</c>, <c>refusal</c> and <c>tool_call</c> as they come, then <c>usage</c> and <c>finish</c>; or
/// <c>error</c> when the stream fails after it started (and nothing after it).
/// </summary>
internal sealed class LlmEventWriter : IStreamResponseWriter
{
    private readonly NamedEventWriter _events;
    private readonly GatewayRequestContext _context;
    private readonly List<AIContent> _citationHolders = [];
    private readonly StreamFinish _finish;
    private bool _started;
    private int _toolCalls;

    public LlmEventWriter(PipeWriter pipe, GatewayRequestContext context)
    {
        _events = new NamedEventWriter(pipe);
        _context = context;
        _finish = new StreamFinish(context);
    }

    public async ValueTask WriteAsync(ChatResponseUpdate update, CancellationToken cancellationToken)
    {
        _finish.Observe(update);
        EnsureStarted();
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextContent { Text.Length: > 0 } text:
                    WriteText("text_delta"u8, text.Text);
                    break;
                case TextReasoningContent { Text.Length: > 0 } reasoning:
                    WriteText("reasoning_delta"u8, reasoning.Text);
                    break;
                case ErrorContent { ErrorCode: GatewayContentKeys.RefusalErrorCode } refusal:
                    WriteText("refusal"u8, refusal.Message);
                    break;
                case FunctionCallContent call:
                    var json = _events.Begin("tool_call"u8);
                    json.WriteStartObject();
                    json.WriteNumber("index", _toolCalls++);
                    LlmWireFormat.WriteToolCallFields(json, call);
                    json.WriteEndObject();
                    _events.End();
                    break;
            }

            if (content.Annotations is { Count: > 0 })
            {
                _citationHolders.Add(content);
            }
        }

        await _events.FlushAsync(cancellationToken);
    }

    /// <summary>Writes <c>usage</c> and <c>finish</c> (with citations, when the provider searched).</summary>
    public async ValueTask CompleteAsync(GatewayUsage? usage, CancellationToken cancellationToken)
    {
        EnsureStarted();
        var json = _events.Begin("usage"u8);
        LlmWireFormat.WriteUsageObject(json, usage ?? new GatewayUsage());
        _events.End();

        json = _events.Begin("finish"u8);
        json.WriteStartObject();
        LlmWireFormat.WriteFinish(json, _finish.Reason, _toolCalls > 0, _finish.RawReason, _finish.StopSequence);
        OpenAIWireFormat.WriteCitations(json, _citationHolders);
        json.WriteEndObject();
        _events.End();
        await _events.FlushAsync(cancellationToken);
    }

    /// <summary>Writes <c>event: error</c> with the same <c>{"error":{…}}</c> object as a plain error response.</summary>
    public async ValueTask FailAsync(GatewayException error, CancellationToken cancellationToken)
    {
        EnsureStarted();
        ErrorResponses.WriteBody(_events.Begin("error"u8), error, _context.CorrelationId);
        _events.End();
        await _events.FlushAsync(cancellationToken);
    }

    /// <summary>Writes an SSE comment (<c>: keep-alive</c>), which clients ignore.</summary>
    public async ValueTask WriteKeepAliveAsync(CancellationToken cancellationToken)
    {
        EnsureStarted();
        _events.Comment("keep-alive"u8);
        await _events.FlushAsync(cancellationToken);
    }

    private void EnsureStarted()
    {
        if (_started)
        {
            return;
        }

        _started = true;
        var json = _events.Begin("start"u8);
        json.WriteStartObject();
        json.WriteString("id", LlmChatEndpoint.ResponseId(_context));
        json.WriteString("model", _finish.Model);
        json.WriteString("provider", _context.Provider?.ToWireId());
        json.WriteString("route_method", _context.RouteMethod);
        if (_context.ConversationId is { } conversationId)
        {
            json.WriteString("conversation_id", conversationId);
        }

        json.WriteString("request_id", _context.CorrelationId);
        json.WriteEndObject();
        _events.End();
    }

    private void WriteText(ReadOnlySpan<byte> eventName, string text)
    {
        var json = _events.Begin(eventName);
        json.WriteStartObject();
        json.WriteString("text", text);
        json.WriteEndObject();
        _events.End();
    }
}
