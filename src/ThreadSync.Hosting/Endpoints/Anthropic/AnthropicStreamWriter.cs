using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway;
using ThreadSync.Hosting.Http;
using ThreadSync.Hosting.Streaming;

namespace ThreadSync.Hosting.Endpoints.Anthropic;

/// <summary>
/// Writes normalized stream updates as Anthropic's Messages stream: <c>message_start</c>; for each content block
/// <c>content_block_start</c>, <c>content_block_delta</c>s (<c>text_delta</c>, <c>thinking_delta</c>,
/// <c>signature_delta</c>, or one <c>input_json_delta</c> with a tool call's whole arguments) and
/// <c>content_block_stop</c>, with consecutive indexes; then <c>message_delta</c> (stop reason and the final usage)
/// and <c>message_stop</c>. A failure after the start is an <c>event: error</c>, and the stream ends there.
/// </summary>
internal sealed class AnthropicStreamWriter : IStreamResponseWriter
{
    private const string TextBlock = "text";
    private const string ThinkingBlock = "thinking";

    private readonly NamedEventWriter _events;
    private readonly GatewayRequestContext _context;
    private readonly StreamFinish _finish;
    private bool _started;
    private string? _openBlock;
    private int _openIndex;
    private int _nextIndex;
    private bool _hasToolUse;
    private bool _hasRefusal;

    public AnthropicStreamWriter(PipeWriter pipe, GatewayRequestContext context)
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
                    WriteDelta(TextBlock, "text_delta", "text", text.Text);
                    break;
                case ErrorContent { ErrorCode: GatewayContentKeys.RefusalErrorCode } refusal:
                    WriteDelta(TextBlock, "text_delta", "text", refusal.Message);
                    _hasRefusal = true;
                    break;
                case TextReasoningContent reasoning:
                    WriteReasoning(reasoning);
                    break;
                case FunctionCallContent call:
                    WriteToolUse(call);
                    break;
            }
        }

        await _events.FlushAsync(cancellationToken);
    }

    /// <summary>Closes the open block and writes <c>message_delta</c> (stop reason, final usage) and <c>message_stop</c>.</summary>
    public async ValueTask CompleteAsync(GatewayUsage? usage, CancellationToken cancellationToken)
    {
        EnsureStarted();
        CloseBlock();
        var (stopReason, stopSequence) = AnthropicWireFormat.StopReason(_context, _finish.Reason, _finish.RawReason, _finish.StopSequence, _hasToolUse, _hasRefusal);
        var json = _events.Begin("message_delta"u8);
        json.WriteStartObject();
        json.WriteString("type", "message_delta");
        json.WritePropertyName("delta");
        json.WriteStartObject();
        json.WriteString("stop_reason", stopReason);
        json.WriteString("stop_sequence", stopSequence);
        json.WriteEndObject();
        AnthropicWireFormat.WriteUsage(json, usage);
        json.WriteEndObject();
        _events.End();

        json = _events.Begin("message_stop"u8);
        json.WriteStartObject();
        json.WriteString("type", "message_stop");
        json.WriteEndObject();
        _events.End();
        await _events.FlushAsync(cancellationToken);
    }

    /// <summary>Writes <c>event: error</c> with Anthropic's error object; nothing follows it.</summary>
    public async ValueTask FailAsync(GatewayException error, CancellationToken cancellationToken)
    {
        EnsureStarted();
        AnthropicErrors.WriteBody(_events.Begin("error"u8), error, _context.CorrelationId);
        _events.End();
        await _events.FlushAsync(cancellationToken);
    }

    /// <summary>Writes Anthropic's <c>ping</c> event, which the SDKs skip.</summary>
    public async ValueTask WriteKeepAliveAsync(CancellationToken cancellationToken)
    {
        EnsureStarted();
        var json = _events.Begin("ping"u8);
        json.WriteStartObject();
        json.WriteString("type", "ping");
        json.WriteEndObject();
        _events.End();
        await _events.FlushAsync(cancellationToken);
    }

    private void EnsureStarted()
    {
        if (_started)
        {
            return;
        }

        _started = true;
        var json = _events.Begin("message_start"u8);
        json.WriteStartObject();
        json.WriteString("type", "message_start");
        json.WritePropertyName("message");
        json.WriteStartObject();
        json.WriteString("id", AnthropicWireFormat.MessageId(_context));
        json.WriteString("type", "message");
        json.WriteString("role", "assistant");
        json.WriteString("model", _finish.Model);
        json.WritePropertyName("content");
        json.WriteStartArray();
        json.WriteEndArray();
        json.WriteNull("stop_reason");
        json.WriteNull("stop_sequence");

        // Usage is known only when the upstream finishes: message_delta carries the final numbers.
        AnthropicWireFormat.WriteUsage(json, null);
        json.WriteEndObject();
        json.WriteEndObject();
        _events.End();
    }

    private void WriteReasoning(TextReasoningContent reasoning)
    {
        if (AnthropicWireFormat.IsRedacted(reasoning))
        {
            CloseBlock();
            var index = _nextIndex++;
            var json = BeginBlockStart(index);
            json.WriteString("type", "redacted_thinking");
            json.WriteString("data", reasoning.ProtectedData);
            EndBlockStart(json);
            WriteBlockStop(index);
            return;
        }

        if (reasoning.Text.Length > 0)
        {
            EnsureBlock(ThinkingBlock);
            WriteDeltaEvent("thinking_delta", "thinking", reasoning.Text);
        }

        if (reasoning.ProtectedData is { Length: > 0 } signature)
        {
            // The signature ends its thinking block (Anthropic sends it just before content_block_stop).
            EnsureBlock(ThinkingBlock);
            WriteDeltaEvent("signature_delta", "signature", signature);
            CloseBlock();
        }
    }

    private void WriteToolUse(FunctionCallContent call)
    {
        CloseBlock();
        _hasToolUse = true;
        var index = _nextIndex++;
        var json = _events.Begin("content_block_start"u8);
        json.WriteStartObject();
        json.WriteString("type", "content_block_start");
        json.WriteNumber("index", index);
        json.WritePropertyName("content_block");
        AnthropicWireFormat.WriteToolUseBlock(json, call, input: null);
        json.WriteEndObject();
        _events.End();

        _openIndex = index;
        WriteDeltaEvent("input_json_delta", "partial_json", AnthropicWireFormat.InputJson(call));
        WriteBlockStop(index);
    }

    private void WriteDelta(string blockType, string deltaType, string field, string text)
    {
        EnsureBlock(blockType);
        WriteDeltaEvent(deltaType, field, text);
    }

    /// <summary>Opens a block of <paramref name="blockType"/> unless one is open, closing any other first.</summary>
    private void EnsureBlock(string blockType)
    {
        if (_openBlock == blockType)
        {
            return;
        }

        CloseBlock();
        _openBlock = blockType;
        _openIndex = _nextIndex++;
        var json = BeginBlockStart(_openIndex);
        json.WriteString("type", blockType);
        if (blockType == ThinkingBlock)
        {
            json.WriteString("thinking", string.Empty);
            json.WriteString("signature", string.Empty);
        }
        else
        {
            json.WriteString("text", string.Empty);
        }

        EndBlockStart(json);
    }

    private void WriteDeltaEvent(string deltaType, string field, string value)
    {
        var json = _events.Begin("content_block_delta"u8);
        json.WriteStartObject();
        json.WriteString("type", "content_block_delta");
        json.WriteNumber("index", _openIndex);
        json.WritePropertyName("delta");
        json.WriteStartObject();
        json.WriteString("type", deltaType);
        json.WriteString(field, value);
        json.WriteEndObject();
        json.WriteEndObject();
        _events.End();
    }

    /// <summary>Opens a <c>content_block_start</c> event up to the open <c>content_block</c> object.</summary>
    private Utf8JsonWriter BeginBlockStart(int index)
    {
        var json = _events.Begin("content_block_start"u8);
        json.WriteStartObject();
        json.WriteString("type", "content_block_start");
        json.WriteNumber("index", index);
        json.WritePropertyName("content_block");
        json.WriteStartObject();
        return json;
    }

    private void EndBlockStart(Utf8JsonWriter json)
    {
        json.WriteEndObject();
        json.WriteEndObject();
        _events.End();
    }

    private void CloseBlock()
    {
        if (_openBlock is null)
        {
            return;
        }

        WriteBlockStop(_openIndex);
        _openBlock = null;
    }

    private void WriteBlockStop(int index)
    {
        var json = _events.Begin("content_block_stop"u8);
        json.WriteStartObject();
        json.WriteString("type", "content_block_stop");
        json.WriteNumber("index", index);
        json.WriteEndObject();
        _events.End();
    }
}
