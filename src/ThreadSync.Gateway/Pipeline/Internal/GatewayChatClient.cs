using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Audit.Internal;
using ThreadSync.Gateway.Conversations.Internal;
using ThreadSync.Gateway.Governance.Internal;
using ThreadSync.Gateway.Providers.Internal;
using ThreadSync.Gateway.Routing.Internal;
using ThreadSync.Gateway.Storage;
using ThreadSync.Gateway.Usage;

namespace ThreadSync.Gateway.Pipeline.Internal;

/// <summary>
/// The governed pipeline as an <see cref="IChatClient"/>: establishes the request context, plans the route (model and
/// fallbacks), enforces a managed key's access rules, rate limits and budgets (reserve before the call, settle after),
/// calls providers through retries, fallbacks and circuit breakers, and prices the usage — streams included, however
/// they end. A request naming a conversation is sent with its remembered history, and its turns are kept after it. Both the HTTP endpoints and in-process callers come through here, so there is no side door.
/// </summary>
internal sealed class GatewayChatClient : IChatClient
{
    /// <summary>The model name that asks the gateway to choose, as <c>auto_route: true</c> does.</summary>
    public const string AutoModel = "auto";

    private readonly CurrentRoutePlanner _planners;
    private readonly RetiredModelResolver _retired;
    private readonly ProviderClientRegistry _providers;
    private readonly FailoverExecutor _executor;
    private readonly QuotaEnforcer _quotas;
    private readonly AuditRecorder _audit;
    private readonly ConversationMemory _memory;
    private readonly IModelCatalog _catalog;
    private readonly TimeProvider _timeProvider;
    private readonly ChatClientMetadata _metadata = new("threadsync");

    public GatewayChatClient(
        CurrentRoutePlanner planners,
        RetiredModelResolver retired,
        ProviderClientRegistry providers,
        FailoverExecutor executor,
        QuotaEnforcer quotas,
        AuditRecorder audit,
        ConversationMemory memory,
        IModelCatalog catalog,
        TimeProvider timeProvider)
    {
        _quotas = quotas;
        _audit = audit;
        _memory = memory;
        _catalog = catalog;
        _planners = planners;
        _retired = retired;
        _providers = providers;
        _executor = executor;
        _timeProvider = timeProvider;
    }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var costContext = CostContext.Create(options, _timeProvider.GetUtcNow());
        var context = ContextOf(options);
        try
        {
            var prepared = await PrepareAsync(context, messages, options, costContext, cancellationToken).ConfigureAwait(false);
            var response = await _executor.GetResponseAsync(prepared.Decision, prepared.Messages, prepared.ProviderOptions, context, cancellationToken).ConfigureAwait(false);
            var model = context.Model!;
            context.Usage = CostCalculator.Compute(model, response.Usage, costContext);
            response.ModelId ??= model.Id;
            (response.AdditionalProperties ??= [])[GatewayChatOptionsExtensions.ContextKey] = context;
            await _quotas.SettleAsync(context, UsageVerdicts.Ok, 200).ConfigureAwait(false);
            if (prepared.Conversation is { } conversation)
            {
                // Saved before the answer is returned, so the caller's next turn finds this one.
                response.ConversationId = conversation.Conversation.Id;
                await _memory.SaveAsync(conversation, context, messages, response.Text).ConfigureAwait(false);
            }

            await _audit.RecordAsync(context, UsageVerdicts.Ok, 200, messages, response.Text).ConfigureAwait(false);
            return response;
        }
        catch (Exception ex)
        {
            context.FailureOutcome = FailureClassifier.Classify(ex, context);
            await EndAsync(context, Verdict(ex, cancellationToken), Status(ex), messages).ConfigureAwait(false);
            throw;
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var costContext = CostContext.Create(options, _timeProvider.GetUtcNow());
        var context = ContextOf(options);
        Prepared prepared;
        try
        {
            prepared = await PrepareAsync(context, messages, options, costContext, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            context.FailureOutcome = FailureClassifier.Classify(ex, context);
            await EndAsync(context, Verdict(ex, cancellationToken), Status(ex), messages).ConfigureAwait(false);
            throw;
        }

        // In-process calls hash the answer's text (the HTTP layer hashes the bytes it sends instead); memory keeps it.
        var conversation = prepared.Conversation;
        StringBuilder? answer = context.HostAppendsAudit && conversation is null ? null : new();
        var accumulator = new StreamUsageAccumulator(prepared.Messages, options);
        var started = false;
        var completed = false;
        Exception? failure = null;
        var updates = _executor.GetStreamingResponseAsync(prepared.Decision, prepared.Messages, prepared.ProviderOptions, context, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                // Enumerated by hand so a failure can be caught and recorded (an iterator cannot yield inside a catch block's try).
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        completed = true;
                        break;
                    }
                }
                catch (Exception ex)
                {
                    failure = ex;
                    throw;
                }

                var update = updates.Current;
                started = true;
                var model = context.Model!;
                update.ModelId ??= model.Id;
                update.ConversationId ??= conversation?.Conversation.Id;
                accumulator.Observe(update);
                answer?.Append(update.Text);
                foreach (var content in update.Contents)
                {
                    if (content is UsageContent)
                    {
                        context.Usage = CostCalculator.Compute(model, accumulator.GetUsage(), costContext);
                        (update.AdditionalProperties ??= [])[GatewayChatOptionsExtensions.ContextKey] = context;
                        break;
                    }
                }

                yield return update;
            }
        }
        finally
        {
            await updates.DisposeAsync().ConfigureAwait(false);

            // However the stream ended (finished, broken mid-way, or the client went away), bill what was produced:
            // the provider's counts where it reported them, estimates for the rest.
            if (started)
            {
                context.Usage = CostCalculator.Compute(context.Model!, accumulator.GetUsage(), costContext);
            }

            var verdict = completed ? UsageVerdicts.Ok
                : failure is null ? UsageVerdicts.Cancelled
                : Verdict(failure, cancellationToken);
            if (!completed)
            {
                // A stream that started and did not finish was executed, at least in part: never run it again blindly.
                context.FailureOutcome = FailureClassifier.Classify(failure, context);
            }

            var status = started ? 200 : failure is null ? 499 : Status(failure);
            await _quotas.SettleAsync(context, verdict, status).ConfigureAwait(false);
            if (completed && conversation is not null)
            {
                // Saved before the stream reports its end, so the caller's next turn finds this one. A stream that
                // did not finish leaves the conversation as it was: the caller will ask again.
                await _memory.SaveAsync(conversation, context, messages, answer?.ToString()).ConfigureAwait(false);
            }

            await _audit.RecordAsync(context, verdict, status, messages, started && !context.HostAppendsAudit ? answer?.ToString() : null).ConfigureAwait(false);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        // Provider clients are owned by the provider registry, a DI singleton.
    }

    /// <summary>Ends a request that failed or was refused: its usage record, then its audit record.</summary>
    private async ValueTask EndAsync(GatewayRequestContext context, string verdict, int status, IEnumerable<ChatMessage> messages)
    {
        await _quotas.SettleAsync(context, verdict, status).ConfigureAwait(false);
        await _audit.RecordAsync(context, verdict, status, messages, responseText: null).ConfigureAwait(false);
    }

    private static string Verdict(Exception ex, CancellationToken cancellationToken) =>
        ex is OperationCanceledException && cancellationToken.IsCancellationRequested ? UsageVerdicts.Cancelled : UsageVerdicts.Failed;

    /// <summary>The status the client sees for a failure: the gateway error's, 499 (client closed) for cancellation, else 500.</summary>
    private static int Status(Exception ex) => ex switch
    {
        GatewayException gateway => gateway.StatusCode,
        OperationCanceledException => 499,
        _ => 500,
    };

    private GatewayRequestContext ContextOf(ChatOptions? options)
    {
        if (!options.TryGetGatewayContext(out var context))
        {
            context = new GatewayRequestContext(GatewayCaller.InProcess);
        }

        context.StartTimestamp = _timeProvider.GetTimestamp();
        context.StartedAt = _timeProvider.GetUtcNow();
        return context;
    }

    private async ValueTask<Prepared> PrepareAsync(
        GatewayRequestContext context,
        IEnumerable<ChatMessage> clientMessages,
        ChatOptions? options,
        CostContext costContext,
        CancellationToken cancellationToken)
    {
        // The conversation's history goes ahead of the new messages, so routing and the reservation see the whole request.
        context.ConversationId ??= options?.ConversationId;
        var conversation = await _memory.OpenAsync(context, cancellationToken).ConfigureAwait(false);
        var composed = conversation is null ? null : ConversationMemory.Compose(conversation, clientMessages);
        var messages = composed ?? clientMessages;
        var governance = context.Caller.Governance;
        var planner = _planners.Planner;
        var policy = planner.PolicyFor(context.Caller.OrgId);
        var model = options?.ModelId;
        RouteDecision decision;
        if (context.AutoRoute || string.Equals(model, AutoModel, StringComparison.OrdinalIgnoreCase))
        {
            IChatClient? routerClient = null;
            if (policy.RouterModel is { } router)
            {
                _providers.TryGet(router.Provider, out routerClient);
            }

            decision = await planner.DecideAutoAsync(messages, options, policy, routerClient, governance?.IsAllowed, cancellationToken).ConfigureAwait(false);
            if (decision.RouterModel is { } routerModel && decision.RouterUsage is { } routerUsage)
            {
                // The router call is the caller's too: it is priced and kept for billing beside the answer's own usage.
                context.RouterUsage = CostCalculator.Compute(routerModel, routerUsage, costContext);
            }
        }
        else if (string.IsNullOrWhiteSpace(model))
        {
            decision = planner.DecideDefault();
            if (governance is not null)
            {
                decision = await _quotas.RestrictAsync(context, governance, decision.Candidates.Count > 0 ? decision.Candidates[0] : null, decision).ConfigureAwait(false);
            }
        }
        else
        {
            context.RequestedModel = model;
            var name = _retired.Resolve(model, policy.RetiredModels, costContext.Date, out var remappedFrom);
            if (governance is not null && _catalog.TryResolve(name, out var requested))
            {
                // The policy answers first: a model the caller may not use is refused as such, whether or not it is
                // available, and even when a fallback would serve it.
                await _quotas.RefuseUnlessAllowedAsync(context, governance, requested).ConfigureAwait(false);
            }

            decision = planner.DecidePinned(name);
            context.RemappedFrom = remappedFrom;
            if (governance is not null)
            {
                decision = await _quotas.RestrictAsync(context, governance, requested: null, decision).ConfigureAwait(false);
            }
        }

        if (conversation is not null)
        {
            // Once the models are known: a history too long for them is summarized (a billed call of its own).
            messages = await _memory.FitAsync(conversation, clientMessages, composed!, decision, options, context, this, cancellationToken).ConfigureAwait(false);
        }

        // Each attempt sets the catalog id of its model on this copy; the caller's options object is left untouched.
        var providerOptions = options?.Clone() ?? new ChatOptions();

        // The gateway keeps the conversation: providers get the whole history, never a conversation id of their own.
        providerOptions.ConversationId = null;
        if (governance is not null)
        {
            await _quotas.ReserveAsync(context, governance, decision, messages, providerOptions, costContext, cancellationToken).ConfigureAwait(false);
        }

        return new Prepared(decision, providerOptions, messages, conversation);
    }

    /// <summary>A request ready to call: its route, the options for the provider, the messages to send (history included) and its conversation.</summary>
    private readonly record struct Prepared(RouteDecision Decision, ChatOptions ProviderOptions, IEnumerable<ChatMessage> Messages, ConversationSession? Conversation);
}
