using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway.Routing.Internal;
using ThreadSync.Gateway.Storage;
using ThreadSync.Gateway.Usage;

namespace ThreadSync.Gateway.Governance.Internal;

/// <summary>
/// Enforces a managed key's access rules, rate limits and budgets on every request through the pipeline: restricts
/// the route to allowed models, reserves the request's worst case on the key, team and org before the upstream call,
/// and settles to the actual usage (writing the usage ledger) however the request ends.
/// </summary>
/// <remarks>
/// The hold is a ceiling: input at one token per character (tokenizers stay below that for text), output at
/// <c>max_tokens</c> (set to <see cref="GovernanceOptions.DefaultMaxOutputTokens"/> when the caller sets none and a
/// token or spending limit applies), priced at the dearest model of the fallback chain with every input token at the
/// dearer of the input and cache-write prices. The charge is the actual usage.
/// </remarks>
internal sealed partial class QuotaEnforcer
{
    private readonly IQuotaStore _quotas;
    private readonly IUsageLedger _ledger;
    private readonly IOptions<GatewayOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<QuotaEnforcer> _logger;

    public QuotaEnforcer(GatewayStores stores, IOptions<GatewayOptions> options, TimeProvider timeProvider, ILogger<QuotaEnforcer> logger)
    {
        ArgumentNullException.ThrowIfNull(stores);
        _quotas = stores.Quotas;
        _ledger = stores.Usage;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Refuses a named model the caller may not use (403 naming the rule), and drops disallowed models from the
    /// decision's fallback chain.
    /// </summary>
    public async ValueTask<RouteDecision> RestrictAsync(GatewayRequestContext context, CallerGovernance governance, ModelDescriptor? requested, RouteDecision decision)
    {
        if (!governance.IsRestrictive)
        {
            return decision;
        }

        if (requested is not null && !governance.Allows(requested, out var refusal))
        {
            throw await RefuseAsync(context, requested, refusal!).ConfigureAwait(false);
        }

        var candidates = decision.Candidates;
        List<ModelDescriptor>? allowed = null;
        string? firstRefusal = null;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (governance.Allows(candidates[i], out var rule))
            {
                allowed?.Add(candidates[i]);
            }
            else
            {
                firstRefusal ??= rule;
                allowed ??= [.. candidates.Take(i)];
            }
        }

        if (allowed is null)
        {
            return decision;
        }

        if (allowed.Count == 0)
        {
            throw await RefuseAsync(context, decision.Model, firstRefusal!).ConfigureAwait(false);
        }

        return new RouteDecision(allowed[0], decision.Method, decision.Reason, allowed, decision.Intent, decision.RouterModel, decision.RouterUsage);
    }

    /// <summary>Refuses (403, naming the rule, recorded in the ledger) a model the caller may not use.</summary>
    public async ValueTask RefuseUnlessAllowedAsync(GatewayRequestContext context, CallerGovernance governance, ModelDescriptor model)
    {
        if (!governance.Allows(model, out var refusal))
        {
            throw await RefuseAsync(context, model, refusal!).ConfigureAwait(false);
        }
    }

    /// <summary>Reserves the request's worst case on every scope, or refuses it (429 for rate limits, 402 for budgets) and records the refusal.</summary>
    public async ValueTask ReserveAsync(
        GatewayRequestContext context,
        CallerGovernance governance,
        RouteDecision decision,
        IEnumerable<ChatMessage> messages,
        ChatOptions providerOptions,
        CostContext costContext,
        CancellationToken cancellationToken)
    {
        var settings = _options.Value.Governance;
        var candidates = decision.Candidates;
        if (governance.LimitsConsumption && providerOptions.MaxOutputTokens is null)
        {
            // A budget needs a ceiling: without max_tokens the output could be anything the model allows.
            var ceiling = settings.DefaultMaxOutputTokens;
            foreach (var model in candidates)
            {
                if (model.MaxOutputTokens > 0)
                {
                    ceiling = Math.Min(ceiling, model.MaxOutputTokens);
                }
            }

            providerOptions.MaxOutputTokens = ceiling;
        }

        var inputCeiling = TokenEstimator.EstimateInput(messages, providerOptions) * TokenEstimator.CharsPerToken;
        long outputCeiling = providerOptions.MaxOutputTokens ?? 0;
        if (outputCeiling <= 0)
        {
            foreach (var model in candidates)
            {
                outputCeiling = Math.Max(outputCeiling, model.MaxOutputTokens);
            }
        }

        var cost = 0m;
        foreach (var model in candidates)
        {
            cost = Math.Max(cost, WorstCost(model, inputCeiling, outputCeiling, costContext));
        }

        if (context.RouterUsage is { } routerUsage)
        {
            cost += routerUsage.BilledCostUsd;
            inputCeiling += routerUsage.TotalTokens;
        }

        var reservation = new QuotaReservation(context.CorrelationId, governance.Scopes, inputCeiling + outputCeiling, NanoUsd.FromUsd(cost), settings.ReservationHold);
        var outcome = await _quotas.ReserveAsync(reservation, cancellationToken).ConfigureAwait(false);
        context.Quota = outcome;
        if (outcome.Granted)
        {
            context.ReservationId = reservation.Id;
            return;
        }

        var error = Refusal(outcome, governance);
        await AppendAsync(context, decision.Model, error.StatusCode == 402 ? UsageVerdicts.BudgetExceeded : UsageVerdicts.RateLimited, error.StatusCode, usage: null).ConfigureAwait(false);
        throw error;
    }

    /// <summary>
    /// Settles the request's reservation to its actual usage (the answer's plus the router's) and writes its ledger
    /// record; for a request refused before it reserved (an unknown model, a bad parameter), writes the record alone.
    /// Never throws: a failure is logged, and an unsettled hold expires on its own.
    /// </summary>
    /// <remarks>
    /// A reservation's settlement is started, not awaited: it is left in <see cref="GatewayRequestContext.Settled"/>
    /// for whoever appends the request's audit record next, which awaits it after its append. So its round trip to the
    /// store overlaps the response being written and the audit record's (on SQLite they often share a group commit),
    /// and the request still ends only once both are written.
    /// </remarks>
    public async ValueTask SettleAsync(GatewayRequestContext context, string verdict, int statusCode)
    {
        if (context.Caller.Governance is null || context.UsageRecorded)
        {
            return;
        }

        if (context.ReservationId is not { } reservationId)
        {
            await AppendAsync(context, context.Model, verdict, statusCode, Combine(context.Usage, context.RouterUsage)).ConfigureAwait(false);
            return;
        }

        context.ReservationId = null;
        context.UsageRecorded = true;
        var record = Record(context, context.Model, verdict, statusCode, Combine(context.Usage, context.RouterUsage));
        context.Settled = SettleReservationAsync(reservationId, record, context.CorrelationId);
    }

    private async Task SettleReservationAsync(string reservationId, UsageRecord record, string correlationId)
    {
        try
        {
            // Not the request's token: a client that went away still pays for what was produced.
            await _quotas.SettleAsync(reservationId, record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogSettleFailed(_logger, correlationId, ex.GetType().Name);
        }
    }

    private static decimal WorstCost(ModelDescriptor model, long inputTokens, long outputTokens, in CostContext costContext)
    {
        var plain = new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = outputTokens };
        var cacheWrites = new UsageDetails
        {
            InputTokenCount = inputTokens,
            OutputTokenCount = outputTokens,
            AdditionalCounts = new() { [UsageKeys.CacheWriteInputTokens] = inputTokens },
        };
        return Math.Max(CostCalculator.Compute(model, plain, costContext).CostUsd, CostCalculator.Compute(model, cacheWrites, costContext).CostUsd);
    }

    private static (long Input, long Output, decimal Cost)? Combine(GatewayUsage? usage, GatewayUsage? router) =>
        usage is null && router is null
            ? null
            : ((usage?.InputTokens ?? 0) + (router?.InputTokens ?? 0), (usage?.OutputTokens ?? 0) + (router?.OutputTokens ?? 0), (usage?.BilledCostUsd ?? 0) + (router?.BilledCostUsd ?? 0));

    private static GatewayException Refusal(QuotaDecision outcome, CallerGovernance governance)
    {
        var scope = governance.Scopes.FirstOrDefault(s => s.Kind == outcome.DeniedScope && s.Id == outcome.DeniedScopeId);
        var who = $"{ScopeName(outcome.DeniedScope)} '{outcome.DeniedScopeId}'";
        var wait = Describe(outcome.RetryAfter);
        return outcome.DeniedLimit switch
        {
            QuotaLimitKind.RequestsPerHour => RateLimited($"Rate limit reached for {who}: {scope?.Limits.RequestsPerHour} requests per hour. Retry in {wait}.", outcome),
            QuotaLimitKind.TokensPerHour => RateLimited($"Rate limit reached for {who}: {scope?.Limits.TokensPerHour} tokens per hour (this request may use up to the tokens of its input and max_tokens). Retry in {wait}, or lower max_tokens.", outcome),
            QuotaLimitKind.DailyUsd => Budget($"The daily budget of {who} (${scope?.Limits.DailyUsd} USD) is exhausted; it resets in {wait} (00:00 UTC).", outcome),
            QuotaLimitKind.MonthlyUsd => Budget($"The monthly budget of {who} (${scope?.Limits.MonthlyUsd} USD) is exhausted; it resets in {wait} (the 1st, 00:00 UTC).", outcome),
            QuotaLimitKind.DailyTokens => Budget($"The daily token budget of {who} ({scope?.Limits.DailyTokens} tokens) is exhausted; it resets in {wait} (00:00 UTC).", outcome),
            _ => Budget($"The monthly token budget of {who} ({scope?.Limits.MonthlyTokens} tokens) is exhausted; it resets in {wait} (the 1st, 00:00 UTC).", outcome),
        };

        static GatewayException RateLimited(string message, QuotaDecision outcome) =>
            new(429, GatewayErrorCodes.RateLimitExceeded, message, retryAfter: outcome.RetryAfter) { Quota = outcome };

        static GatewayException Budget(string message, QuotaDecision outcome) =>
            new(402, GatewayErrorCodes.BudgetExceeded, message, type: "insufficient_quota", retryAfter: outcome.RetryAfter) { Quota = outcome };
    }

    private static string ScopeName(QuotaScopeKind? kind) => kind switch
    {
        QuotaScopeKind.Team => "team",
        QuotaScopeKind.Org => "org",
        _ => "key",
    };

    private static string Describe(TimeSpan wait)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
        return seconds < 120 ? seconds.ToString(CultureInfo.InvariantCulture) + " s"
            : seconds < 7200 ? ((seconds + 59) / 60).ToString(CultureInfo.InvariantCulture) + " min"
            : ((seconds + 3599) / 3600).ToString(CultureInfo.InvariantCulture) + " h";
    }

    private async ValueTask<GatewayException> RefuseAsync(GatewayRequestContext context, ModelDescriptor model, string refusal)
    {
        await AppendAsync(context, model, UsageVerdicts.Forbidden, 403, usage: null).ConfigureAwait(false);
        return new GatewayException(403, GatewayErrorCodes.ModelNotAllowed, $"This key may not use the model '{model.Id}' (provider '{model.Provider.ToWireId()}'): it is outside {refusal}.", param: "model");
    }

    private async ValueTask AppendAsync(GatewayRequestContext context, ModelDescriptor? model, string verdict, int statusCode, (long Input, long Output, decimal Cost)? usage)
    {
        context.UsageRecorded = true;
        try
        {
            await _ledger.AppendAsync(Record(context, model, verdict, statusCode, usage), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogSettleFailed(_logger, context.CorrelationId, ex.GetType().Name);
        }
    }

    private UsageRecord Record(GatewayRequestContext context, ModelDescriptor? model, string verdict, int statusCode, (long Input, long Output, decimal Cost)? usage)
    {
        context.RecordedVerdict = verdict;
        context.RecordedStatus = statusCode;
        return NewRecord(context, model, verdict, statusCode, usage);
    }

    private UsageRecord NewRecord(GatewayRequestContext context, ModelDescriptor? model, string verdict, int statusCode, (long Input, long Output, decimal Cost)? usage) => new()
    {
        At = context.StartedAt,
        CorrelationId = context.CorrelationId,
        KeyId = context.Caller.KeyId,
        TeamId = context.Caller.TeamId,
        OrgId = context.Caller.OrgId,
        Endpoint = context.Endpoint,
        Model = model?.Id ?? context.RequestedModel,
        Provider = model?.Provider.ToWireId(),
        InputTokens = usage?.Input ?? 0,
        OutputTokens = usage?.Output ?? 0,
        CostUsd = usage?.Cost ?? 0,
        LatencyMs = (long)_timeProvider.GetElapsedTime(context.StartTimestamp).TotalMilliseconds,
        Verdict = verdict,
        StatusCode = statusCode,
    };

    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "Request {CorrelationId}: the usage could not be recorded ({ExceptionType}); its quota hold is released when it expires.")]
    private static partial void LogSettleFailed(ILogger logger, string correlationId, string exceptionType);
}
