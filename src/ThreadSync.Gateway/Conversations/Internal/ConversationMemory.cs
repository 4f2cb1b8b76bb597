using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Routing.Internal;
using ThreadSync.Gateway.Storage;
using ThreadSync.Gateway.Usage;

namespace ThreadSync.Gateway.Conversations.Internal;

/// <summary>
/// Server-side conversation memory. Before the call: opens the request's conversation (starting it on first use, owned
/// by the caller's org and subject), and sends its history ahead of the new messages, folding the oldest turns into a
/// summary through the gateway itself when the history would not fit the budget. After the call: appends the new turns.
/// </summary>
internal sealed partial class ConversationMemory(
    GatewayStores stores,
    IOptions<GatewayOptions> options,
    TimeProvider timeProvider,
    ILogger<ConversationMemory> logger)
{
    /// <summary>The endpoint summary calls are recorded under, in the usage ledger and the audit chain.</summary>
    public const string SummaryEndpoint = "conversation-summary";

    /// <summary>Introduces the summary in the history sent upstream.</summary>
    public const string SummaryPreamble = "Summary of the earlier part of this conversation:\n";

    /// <summary>What the summarizing model is told to do.</summary>
    public const string SummaryInstructions =
        "You keep the memory of a conversation between a user and an AI assistant. Merge the summary so far (if any) and "
        + "the turns below into one concise summary that lets the assistant continue the conversation without them: keep "
        + "facts, names, numbers, decisions, code identifiers, open questions and the user's stated preferences; drop "
        + "pleasantries. Write it in the conversation's language. Reply with the summary only.";

    // Room kept for the answer when the request sets no limit: most answers are far shorter than a model's maximum.
    private const int DefaultAnswerReserve = 4_096;

    // The estimator counts about four characters per token; a twentieth of the window absorbs its error.
    private const int WindowMarginDivisor = 20;

    // The smallest history budget: below it, the request itself nearly fills the window, and the provider will say so.
    private const int MinBudget = 256;

    // Concurrent requests in one conversation append in turn: every round of racing appends has a winner, so an append
    // loses at most once per other request racing it. Each retry reads the new turn count.
    private const int MaxAppendAttempts = 64;

    private readonly IConversationStore _store = stores.Conversations;

    /// <summary>
    /// Opens the request's conversation, or returns <see langword="null"/> when the request names none. Starts a
    /// conversation the first time its id is used.
    /// </summary>
    /// <exception cref="GatewayException">Conversations are off for the caller's org (403), or the conversation belongs to someone else (404; 403 when shared with the caller).</exception>
    public async ValueTask<ConversationSession?> OpenAsync(GatewayRequestContext context, CancellationToken cancellationToken)
    {
        if (context.ConversationId is not { } id)
        {
            return null;
        }

        if (!ConversationIds.IsValid(id))
        {
            throw new GatewayException(400, GatewayErrorCodes.InvalidParameter, $"'conversation_id' must be {ConversationIds.Rule}.", param: "conversation_id");
        }

        var caller = context.Caller;
        if (caller.ConversationCapture == ConversationCapture.Off)
        {
            throw new GatewayException(
                403,
                GatewayErrorCodes.ConversationsDisabled,
                "This org keeps no conversations, so 'conversation_id' cannot be used. An admin enables conversation memory with \"conversation_capture\": \"full\" in the org policy.",
                param: "conversation_id");
        }

        var keepsContent = caller.ConversationCapture == ConversationCapture.Full;
        var conversation = await _store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (conversation is null)
        {
            var now = timeProvider.GetUtcNow();
            var started = new Conversation { Id = id, OrgId = ConversationOwnership.OrgOf(caller), SubjectId = caller.SubjectId, CreatedAt = now, UpdatedAt = now };
            if (await _store.CreateAsync(started, cancellationToken).ConfigureAwait(false))
            {
                return new ConversationSession(started, [], keepsContent);
            }

            // Another request started it first (or another caller took the id): read what won.
            conversation = await _store.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw NotFound(id);
        }

        CheckOwner(conversation, caller);
        var turns = keepsContent && conversation.TurnCount > conversation.SummaryThrough + 1
            ? await _store.ListTurnsAsync(id, conversation.SummaryThrough + 1, cancellationToken).ConfigureAwait(false)
            : [];
        return new ConversationSession(conversation, turns, keepsContent);
    }

    /// <summary>
    /// The messages sent upstream: the caller's instructions, then the remembered conversation (summary, turns), then
    /// the caller's new messages.
    /// </summary>
    public static IList<ChatMessage> Compose(ConversationSession session, IEnumerable<ChatMessage> messages)
    {
        var composed = new List<ChatMessage>(session.Turns.Count + 4);
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System)
            {
                composed.Add(message);
            }
        }

        if (session.Summary is { } summary)
        {
            composed.Add(new ChatMessage(ChatRole.System, SummaryPreamble + summary));
        }

        foreach (var turn in session.Turns)
        {
            if (!string.IsNullOrEmpty(turn.Content))
            {
                composed.Add(new ChatMessage(new ChatRole(turn.Role), turn.Content));
            }
        }

        foreach (var message in messages)
        {
            if (message.Role != ChatRole.System)
            {
                composed.Add(message);
            }
        }

        return composed;
    }

    /// <summary>
    /// Fits the remembered history into the budget for the route's models: when it would not fit, the oldest turns
    /// (and the previous summary) are summarized through <paramref name="gateway"/> — as the same caller, so billed and
    /// audited — and replaced by the summary, keeping the newest turns verbatim.
    /// </summary>
    /// <returns>The messages to send: <paramref name="composed"/> when the history fits, else the history recomposed.</returns>
    public async ValueTask<IList<ChatMessage>> FitAsync(
        ConversationSession session,
        IEnumerable<ChatMessage> messages,
        IList<ChatMessage> composed,
        RouteDecision decision,
        ChatOptions? requestOptions,
        GatewayRequestContext context,
        IChatClient gateway,
        CancellationToken cancellationToken)
    {
        if (session.Turns.Count == 0 && session.Summary is null)
        {
            return composed;
        }

        var settings = options.Value.Conversations;
        var budget = Budget(settings, decision, messages, requestOptions);
        var turns = session.Turns;
        if (HistoryTokens(session.Summary, turns, 0) <= budget)
        {
            return composed;
        }

        // Keep the newest turns that fit beside a summary; fold everything older (and the old summary) into a new one.
        var summaryTokens = Math.Max(64, Math.Min(settings.SummaryMaxTokens, budget / 2));
        var keep = Math.Min(settings.KeepRecentTurns, turns.Count);
        while (keep > 0 && HistoryTokens(null, turns, turns.Count - keep) > budget - summaryTokens)
        {
            keep--;
        }

        if (keep == turns.Count && keep > 0)
        {
            keep--;
        }

        var fold = turns.Take(turns.Count - keep).ToList();
        var kept = turns.Skip(turns.Count - keep).ToList();
        try
        {
            var summary = await SummarizeAsync(session.Summary, fold, summaryTokens, decision, context, gateway, cancellationToken).ConfigureAwait(false);
            var through = fold.Count > 0 ? fold[^1].Sequence : session.Conversation.SummaryThrough;
            if (through >= 0)
            {
                // Refused only when a concurrent request stored a later summary: this request still uses its own.
                await _store.SetSummaryAsync(session.Conversation.Id, summary, through, cancellationToken).ConfigureAwait(false);
            }

            session.Summary = summary;
            LogSummarized(logger, context.CorrelationId, fold.Count, keep);
        }
        catch (GatewayException ex) when (ex.Code is GatewayErrorCodes.RateLimitExceeded or GatewayErrorCodes.BudgetExceeded)
        {
            // The caller's own limits refused the summary: the request itself is refused the same way.
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Nothing is lost: the turns stay stored, and the next request tries again. This one goes with what fits.
            LogSummaryFailed(logger, context.CorrelationId, ex.GetType().Name);
        }

        session.Turns = kept;
        return Compose(session, messages);
    }

    /// <summary>Appends the request's turns (the caller's new messages and the answer); never throws: a failure is logged.</summary>
    public async ValueTask SaveAsync(ConversationSession session, GatewayRequestContext context, IEnumerable<ChatMessage> messages, string? answer)
    {
        try
        {
            var at = timeProvider.GetUtcNow();
            var turns = new List<ConversationTurn>();
            foreach (var message in messages)
            {
                if (message.Role == ChatRole.User || message.Role == ChatRole.Assistant)
                {
                    turns.Add(new ConversationTurn
                    {
                        Role = message.Role.Value,
                        Content = session.KeepsContent ? message.Text : null,
                        CorrelationId = context.CorrelationId,
                        At = at,
                    });
                }
            }

            turns.Add(new ConversationTurn
            {
                Role = ChatRole.Assistant.Value,
                Content = session.KeepsContent ? answer ?? string.Empty : null,
                Model = context.Model?.Id,
                CorrelationId = context.CorrelationId,
                InputTokens = context.Usage?.InputTokens ?? 0,
                OutputTokens = context.Usage?.OutputTokens ?? 0,
                At = at,
            });

            var id = session.Conversation.Id;
            var expected = session.Conversation.TurnCount;
            for (var attempt = 0; attempt < MaxAppendAttempts; attempt++)
            {
                if (await _store.AppendTurnsAsync(id, expected, turns, CancellationToken.None).ConfigureAwait(false))
                {
                    return;
                }

                // Another request of the conversation appended first: ours go after its turns.
                var current = await _store.GetAsync(id, CancellationToken.None).ConfigureAwait(false);
                if (current is null)
                {
                    LogConversationGone(logger, context.CorrelationId);
                    return;
                }

                expected = current.TurnCount;
                if (attempt >= 2)
                {
                    // Past a few losses the conversation is busy: spread the retries out.
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + attempt)), timeProvider, CancellationToken.None).ConfigureAwait(false);
                }
            }

            LogSaveFailed(logger, context.CorrelationId, "contention");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogSaveFailed(logger, context.CorrelationId, ex.GetType().Name);
        }
    }

    /// <summary>
    /// The most tokens of history a request may carry: the configured budget, lowered to what the smallest context
    /// window among the route's models leaves beside the request and its answer (so a fallback still fits).
    /// </summary>
    internal static long Budget(ConversationOptions settings, RouteDecision decision, IEnumerable<ChatMessage> messages, ChatOptions? requestOptions)
    {
        long budget = settings.MaxHistoryTokens;
        var request = TokenEstimator.EstimateInput(messages, requestOptions);
        foreach (var model in decision.Candidates)
        {
            if (model.ContextWindow <= 0)
            {
                continue;
            }

            var answer = requestOptions?.MaxOutputTokens ?? Math.Min(model.MaxOutputTokens > 0 ? model.MaxOutputTokens : DefaultAnswerReserve, DefaultAnswerReserve);
            budget = Math.Min(budget, model.ContextWindow - (model.ContextWindow / WindowMarginDivisor) - answer - request);
        }

        return Math.Max(budget, MinBudget);
    }

    private static long HistoryTokens(string? summary, IReadOnlyList<ConversationTurn> turns, int from)
    {
        var chars = (long)(summary?.Length ?? 0);
        long tokens = summary is null ? 0 : TokenEstimator.TokensPerMessage;
        for (var i = from; i < turns.Count; i++)
        {
            tokens += TokenEstimator.TokensPerMessage;
            chars += turns[i].Content?.Length ?? 0;
        }

        return tokens + TokenEstimator.FromChars(chars);
    }

    private static void CheckOwner(Conversation conversation, GatewayCaller caller)
    {
        if (!ConversationOwnership.IsVisibleTo(conversation, caller))
        {
            throw NotFound(conversation.Id);
        }

        if (!ConversationOwnership.IsOwnedBy(conversation, caller))
        {
            // Visible but not owned: shared with the caller's org by another subject.
            throw new GatewayException(403, GatewayErrorCodes.ConversationReadOnly, $"The conversation '{conversation.Id}' is shared with your org by its owner: it can be read, not continued.", param: "conversation_id");
        }
    }

    private static GatewayException NotFound(string id) => new(
        404,
        GatewayErrorCodes.ConversationNotFound,
        $"The conversation '{id}' is not available to this caller. Conversation ids are global: use an unguessable id (a UUID), or let POST /v1/conversations create one.",
        param: "conversation_id");

    private async ValueTask<string> SummarizeAsync(
        string? previous,
        List<ConversationTurn> fold,
        long maxTokens,
        RouteDecision decision,
        GatewayRequestContext context,
        IChatClient gateway,
        CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        if (previous is not null)
        {
            text.Append("Summary so far:\n").Append(previous).Append("\n\n");
        }

        text.Append("Turns to add:\n");
        foreach (var turn in fold)
        {
            text.Append(turn.Role).Append(": ").Append(turn.Content).Append("\n\n");
        }

        // A request of its own, as the same caller: the caller's policy, limits and budget apply, and it is billed and audited.
        var summaryContext = new GatewayRequestContext(context.Caller) { Endpoint = SummaryEndpoint, AtMostOnce = context.AtMostOnce };
        var summaryOptions = new ChatOptions
        {
            ModelId = options.Value.Conversations.SummaryModel ?? decision.Model.Id,
            MaxOutputTokens = (int)maxTokens,
        }.WithGatewayContext(summaryContext);
        LogSummarizing(logger, context.CorrelationId, summaryContext.CorrelationId);
        var response = await gateway.GetResponseAsync(
            [new ChatMessage(ChatRole.System, SummaryInstructions), new ChatMessage(ChatRole.User, text.ToString())],
            summaryOptions,
            cancellationToken).ConfigureAwait(false);
        var summary = response.Text.Trim();
        return summary.Length > 0 ? summary : throw new InvalidOperationException("The summary came back empty.");
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Request {CorrelationId}: its conversation's history is summarized by request {SummaryCorrelationId}.")]
    private static partial void LogSummarizing(ILogger logger, string correlationId, string summaryCorrelationId);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Request {CorrelationId}: {Folded} turns folded into the conversation's summary, {Kept} kept verbatim.")]
    private static partial void LogSummarized(ILogger logger, string correlationId, int folded, int kept);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Request {CorrelationId}: the conversation could not be summarized ({ExceptionType}); it is sent with the newest turns that fit.")]
    private static partial void LogSummaryFailed(ILogger logger, string correlationId, string exceptionType);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Error, Message = "Request {CorrelationId}: its turns could not be saved to its conversation ({Reason}).")]
    private static partial void LogSaveFailed(ILogger logger, string correlationId, string reason);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Warning, Message = "Request {CorrelationId}: its conversation was deleted while it ran; its turns were not saved.")]
    private static partial void LogConversationGone(ILogger logger, string correlationId);
}
