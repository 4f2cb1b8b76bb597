using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway.Routing.Internal;

/// <summary>
/// Asks a small router model to pick one model from a candidate list for a request, under a deadline.
/// </summary>
/// <remarks>
/// <para>The router sees a short system prompt listing each candidate with its provider, capabilities and list
/// prices, and the request's last user message truncated to <see cref="MaxPromptChars"/> characters. Its answer
/// is matched to a candidate robustly: the exact id or alias, else the first candidate id or alias standing as a
/// word in the text (longest first when several start at one place).</para>
/// <para>Never throws for router trouble: a timeout, an error or an answer naming no candidate returns a result with
/// no model, so the caller keeps the heuristic choice. Only the caller's own cancellation propagates.</para>
/// </remarks>
internal sealed class LlmRouter
{
    /// <summary>The most characters of the last user message the router sees.</summary>
    public const int MaxPromptChars = 2_000;

    private readonly TimeProvider _timeProvider;

    public LlmRouter(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
    }

    /// <summary>Asks the router model to choose.</summary>
    /// <param name="routerClient">The client of the router model's provider.</param>
    /// <param name="routerModel">The router model.</param>
    /// <param name="candidates">The models it may choose from, best heuristic guess first.</param>
    /// <param name="messages">The request's conversation.</param>
    /// <param name="timeout">The deadline of the router call.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    /// <returns>The choice, or a result without a model.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<LlmRouterResult> ChooseAsync(
        IChatClient routerClient,
        ModelDescriptor routerModel,
        IReadOnlyList<ModelDescriptor> candidates,
        IEnumerable<ChatMessage> messages,
        TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(routerClient);
        ArgumentNullException.ThrowIfNull(routerModel);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(messages);

        List<ChatMessage> prompt =
        [
            new(ChatRole.System, BuildSystemPrompt(candidates)),
            new(ChatRole.User, BuildUserPrompt(messages)),
        ];
        var options = new ChatOptions
        {
            ModelId = routerModel.Id,

            // An id is a dozen tokens; reasoning models spend output tokens on thinking first.
            MaxOutputTokens = routerModel.Has(ModelCapabilities.Reasoning) ? 1_024 : 64,
        };

        using var deadline = new CancellationTokenSource(timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        ChatResponse response;
        Task<ChatResponse>? call = null;
        try
        {
            call = routerClient.GetResponseAsync(prompt, options, linked.Token);

            // WaitAsync enforces the deadline even against a client that ignores its token.
            response = await call.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested)
        {
            // An abandoned call that fails later must not surface as an unobserved task exception.
            _ = call?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return new LlmRouterResult(LlmRouterOutcome.Timeout, null, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new LlmRouterResult(LlmRouterOutcome.Error, null, null);
        }

        var answer = response.Text;
        var chosen = ParseAnswer(answer, candidates);
        return new LlmRouterResult(chosen is null ? LlmRouterOutcome.UnknownAnswer : LlmRouterOutcome.Chosen, chosen, response.Usage, answer);
    }

    /// <summary>Builds the router's system prompt: the task and one line per candidate.</summary>
    internal static string BuildSystemPrompt(IReadOnlyList<ModelDescriptor> candidates)
    {
        var builder = new StringBuilder(256 + (candidates.Count * 96));
        builder.Append("You are a model router. Choose the one model below that will answer the user's request best at a sensible cost: ")
            .Append("small fast models for simple or short tasks, strong models for hard code or reasoning, search models for current events and fresh facts.\n")
            .Append("Candidates (id: provider; capabilities; USD per million input/output tokens):\n");
        foreach (var model in candidates)
        {
            builder.Append("- ").Append(model.Id).Append(": ").Append(model.Provider.ToWireId()).Append("; ")
                .Append(model.Capabilities == ModelCapabilities.None ? "text" : model.Capabilities.ToString().ToLowerInvariant())
                .Append("; $").Append(model.Pricing.InputPerMillion.ToString("0.##", CultureInfo.InvariantCulture))
                .Append("/$").Append(model.Pricing.OutputPerMillion.ToString("0.##", CultureInfo.InvariantCulture));
            if (model.Pricing.PerRequest > 0)
            {
                builder.Append(" + $").Append(model.Pricing.PerRequest.ToString("0.####", CultureInfo.InvariantCulture)).Append(" per request");
            }

            builder.Append('\n');
        }

        return builder.Append("Reply with the chosen model id only, exactly as listed, and nothing else.").ToString();
    }

    /// <summary>Builds the router's user message from the request's last user message, truncated.</summary>
    internal static string BuildUserPrompt(IEnumerable<ChatMessage> messages)
    {
        ChatMessage? last = null;
        foreach (var message in messages)
        {
            if (message?.Role == ChatRole.User)
            {
                last = message;
            }
        }

        var text = last?.Text ?? string.Empty;
        var images = last?.Contents.Count(c => c is DataContent or UriContent) ?? 0;
        var builder = new StringBuilder("Request to route:\n<request>\n");
        builder.Append(text.Length > MaxPromptChars ? string.Concat(text.AsSpan(0, MaxPromptChars), " [truncated]") : text);
        if (images > 0)
        {
            builder.Append(text.Length > 0 ? "\n" : string.Empty).Append('[').Append(images).Append(" attachment(s)]");
        }

        return builder.Append("\n</request>").ToString();
    }

    /// <summary>Finds the candidate the router named: exact id or alias, else the first one mentioned in the text.</summary>
    internal static ModelDescriptor? ParseAnswer(string? answer, IReadOnlyList<ModelDescriptor> candidates)
    {
        if (string.IsNullOrWhiteSpace(answer))
        {
            return null;
        }

        var trimmed = answer.AsSpan().Trim().Trim("\"'`*.:;,()[]<> \t\r\n");
        foreach (var model in candidates)
        {
            if (trimmed.Equals(model.Id, StringComparison.OrdinalIgnoreCase))
            {
                return model;
            }

            foreach (var alias in model.Aliases)
            {
                if (trimmed.Equals(alias, StringComparison.OrdinalIgnoreCase))
                {
                    return model;
                }
            }
        }

        ModelDescriptor? best = null;
        var bestPosition = int.MaxValue;
        var bestLength = 0;
        foreach (var model in candidates)
        {
            Consider(answer, model, model.Id, ref best, ref bestPosition, ref bestLength);
            foreach (var alias in model.Aliases)
            {
                Consider(answer, model, alias, ref best, ref bestPosition, ref bestLength);
            }
        }

        return best;
    }

    private static void Consider(string text, ModelDescriptor model, string name, ref ModelDescriptor? best, ref int bestPosition, ref int bestLength)
    {
        if (name.Length == 0)
        {
            return;
        }

        var position = FindStandalone(text, name);
        if (position >= 0 && (position < bestPosition || (position == bestPosition && name.Length > bestLength)))
        {
            best = model;
            bestPosition = position;
            bestLength = name.Length;
        }
    }

    private static int FindStandalone(string text, string name)
    {
        var offset = 0;
        while (offset < text.Length)
        {
            var found = text.AsSpan(offset).IndexOf(name, StringComparison.OrdinalIgnoreCase);
            if (found < 0)
            {
                return -1;
            }

            var start = offset + found;
            var end = start + name.Length;
            if ((start == 0 || !IsIdChar(text[start - 1])) && (end == text.Length || !ContinuesId(text, end)))
            {
                return start;
            }

            offset = start + 1;
        }

        return -1;
    }

    private static bool IsIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':';

    // A '.' or ':' ending a sentence ("I pick gpt-5.4.") does not continue the id; one followed by more id characters does.
    private static bool ContinuesId(string text, int index) =>
        IsIdChar(text[index]) && (text[index] is not ('.' or ':') || (index + 1 < text.Length && char.IsAsciiLetterOrDigit(text[index + 1])));
}
