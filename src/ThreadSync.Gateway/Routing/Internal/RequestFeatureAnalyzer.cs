using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>
/// Reads the routing-relevant features of a request: what the last user message asks for (code, fresh facts,
/// reasoning, quick work), what the request carries (images, tools, a JSON format) and how big it is.
/// Allocation-free for message lists and arrays; about 0.4–0.7 µs on a 2 KB prompt with AVX-512 (see benchmarks/README.md).
/// </summary>
/// <remarks>
/// <para>Text signals come from the last user message (the intent), scanning at most its first and last
/// <see cref="ScanWindowChars"/> characters, plus code and JSON hints from the first <see cref="SystemScanChars"/>
/// characters of system messages. Size counts every message.</para>
/// <para>The token estimate is characters / 4 over all text, plus <see cref="TokensPerImage"/> per image and
/// <see cref="TokensPerTool"/> per tool definition: a routing estimate, not a billing count.</para>
/// </remarks>
internal static class RequestFeatureAnalyzer
{
    /// <summary>Estimated input tokens of one image.</summary>
    public const int TokensPerImage = 1_000;

    /// <summary>Estimated input tokens of one tool definition.</summary>
    public const int TokensPerTool = 150;

    /// <summary>How many characters are scanned at each end of the last user message.</summary>
    public const int ScanWindowChars = 8 * 1024;

    /// <summary>How many characters of each system message are scanned for code and JSON hints.</summary>
    public const int SystemScanChars = 1024;

    private const RequestSignals SystemCategories = RequestSignals.Code | RequestSignals.Json;

    /// <summary>Analyzes a request.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The request options, if any.</param>
    /// <param name="currentYear">The current year: a mention of it or the year before signals recency; 0 to skip the check.</param>
    /// <param name="longContextTokens">The estimated input from which the request counts as long context.</param>
    /// <returns>The features.</returns>
    public static RequestFeatures Analyze(IEnumerable<ChatMessage> messages, ChatOptions? options, int currentYear, int longContextTokens = RoutingOptions.DefaultLongContextTokens)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var state = default(Accumulator);
        if (messages is List<ChatMessage> list)
        {
            foreach (var message in CollectionsMarshal.AsSpan(list))
            {
                Visit(message, ref state);
            }
        }
        else if (messages is IList<ChatMessage> indexed)
        {
            for (var i = 0; i < indexed.Count; i++)
            {
                Visit(indexed[i], ref state);
            }
        }
        else
        {
            foreach (var message in messages)
            {
                Visit(message, ref state);
            }
        }

        var signals = RequestSignals.None;
        if (state.LastUser is { } user)
        {
            var contents = user.Contents;
            for (var i = 0; i < contents.Count; i++)
            {
                if (contents[i] is TextContent { Text: { Length: > 0 } text })
                {
                    ScanUserText(text, currentYear, ref state.Scores);
                }
            }
        }

        signals |= state.Scores.Found;
        var tools = options?.Tools?.Count ?? 0;
        if (tools > 0)
        {
            signals |= RequestSignals.Tools;
        }

        if (options?.ResponseFormat is ChatResponseFormatJson)
        {
            signals |= RequestSignals.Json | RequestSignals.JsonResponseFormat;
        }

        if (state.Images > 0)
        {
            signals |= RequestSignals.Images;
        }

        var estimate = ((state.Chars + 3) / 4) + ((long)state.Images * TokensPerImage) + ((long)tools * TokensPerTool);
        var estimated = (int)Math.Min(estimate, int.MaxValue);
        if (estimated >= longContextTokens)
        {
            signals |= RequestSignals.LongContext;
        }

        var requested = options?.MaxOutputTokens is int max && max > 0 ? max : 0;
        return new RequestFeatures(signals, estimated, requested, state.Scores.Code, state.Scores.Search, state.Scores.Reasoning, state.Scores.Fast, state.Images);
    }

    private static void Visit(ChatMessage message, ref Accumulator state)
    {
        if (message is null)
        {
            return;
        }

        var role = message.Role;
        var isSystem = role == ChatRole.System;
        if (role == ChatRole.User)
        {
            state.LastUser = message;
        }

        var contents = message.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent text:
                    var value = text.Text ?? string.Empty;
                    state.Chars += value.Length;
                    if (isSystem && value.Length > 0)
                    {
                        RoutingKeywords.CodeAndJsonMatcher.Scan(value.AsSpan(0, Math.Min(value.Length, SystemScanChars)), SystemCategories, ref state.Scores);
                    }

                    break;
                case TextReasoningContent reasoning:
                    state.Chars += reasoning.Text?.Length ?? 0;
                    break;
                case DataContent data when data.HasTopLevelMediaType("image"):
                    state.Images++;
                    break;
                case DataContent document:
                    state.Chars += document.Data.Length;
                    break;
                case UriContent uri when uri.HasTopLevelMediaType("image"):
                    state.Images++;
                    break;
                case FunctionResultContent { Result: string result }:
                    state.Chars += result.Length;
                    break;
                default:
                    break;
            }
        }
    }

    private static void ScanUserText(string text, int currentYear, ref SignalScores scores)
    {
        var span = text.AsSpan();
        if (span.Length <= 2 * ScanWindowChars)
        {
            ScanWindow(span, currentYear, ref scores);
        }
        else
        {
            ScanWindow(span[..ScanWindowChars], currentYear, ref scores);
            ScanWindow(span[^ScanWindowChars..], currentYear, ref scores);
        }
    }

    private static void ScanWindow(ReadOnlySpan<char> window, int currentYear, ref SignalScores scores) =>
        RoutingKeywords.Matcher.Scan(window, RequestSignals.TextCategories, ref scores, currentYear - 1, currentYear > 2000 ? currentYear : 0);

    [StructLayout(LayoutKind.Auto)]
    private struct Accumulator
    {
        public long Chars;
        public int Images;
        public ChatMessage? LastUser;
        public SignalScores Scores;
    }
}
