using System.Text;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Endpoints;

/// <summary>A complete response's contents sorted the way flat response shapes need them: text, reasoning, refusal, tool calls.</summary>
internal sealed class ResponseParts
{
    private ResponseParts(List<AIContent> contents, string text, string reasoning, string? refusal, List<FunctionCallContent> calls)
    {
        Contents = contents;
        Text = text;
        Reasoning = reasoning;
        Refusal = refusal;
        Calls = calls;
    }

    /// <summary>Gets every content, in order (citations ride on them as annotations).</summary>
    public List<AIContent> Contents { get; }

    public string Text { get; }

    public string Reasoning { get; }

    public string? Refusal { get; }

    public List<FunctionCallContent> Calls { get; }

    public static ResponseParts Of(ChatResponse response)
    {
        var contents = response.Messages.SelectMany(static m => m.Contents).ToList();
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        string? refusal = null;
        var calls = new List<FunctionCallContent>();
        foreach (var content in contents)
        {
            switch (content)
            {
                case TextContent t:
                    text.Append(t.Text);
                    break;
                case TextReasoningContent r:
                    reasoning.Append(r.Text);
                    break;
                case ErrorContent { ErrorCode: GatewayContentKeys.RefusalErrorCode } e:
                    refusal = e.Message;
                    break;
                case FunctionCallContent call:
                    calls.Add(call);
                    break;
            }
        }

        return new ResponseParts(contents, text.ToString(), reasoning.ToString(), refusal, calls);
    }
}
