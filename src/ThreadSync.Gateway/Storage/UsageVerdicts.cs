namespace ThreadSync.Gateway.Storage;

/// <summary>How a request ended, as the usage ledger records it.</summary>
public static class UsageVerdicts
{
    /// <summary>Served.</summary>
    public const string Ok = "ok";

    /// <summary>Refused by a rate limit (429).</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>Refused by a budget (402).</summary>
    public const string BudgetExceeded = "budget_exceeded";

    /// <summary>Refused by an access rule (403).</summary>
    public const string Forbidden = "forbidden";

    /// <summary>Failed: upstream error, timeout, bad request or a stream broken mid-way (billed for what was produced).</summary>
    public const string Failed = "failed";

    /// <summary>Refused for a missing or invalid API key (401). Only the audit chain records these: there is no key to bill.</summary>
    public const string Unauthenticated = "unauthenticated";

    /// <summary>The client went away before the answer was complete (billed for what was produced).</summary>
    public const string Cancelled = "cancelled";

    /// <summary>
    /// The stored response of an earlier request with the same <c>Idempotency-Key</c> was replayed. Only the audit chain
    /// records these: a replay reaches no provider and is never billed.
    /// </summary>
    public const string Replayed = "replayed";
}
