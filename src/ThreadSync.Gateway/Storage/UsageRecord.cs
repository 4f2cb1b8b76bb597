namespace ThreadSync.Gateway.Storage;

/// <summary>One request in the usage ledger: who, what, how much, and how it ended. Denied and failed requests too.</summary>
public sealed record UsageRecord
{
    /// <summary>Gets when the request arrived.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Gets the request's correlation id.</summary>
    public required string CorrelationId { get; init; }

    /// <summary>Gets the key id (never the key).</summary>
    public required string KeyId { get; init; }

    /// <summary>Gets the key's team, if any.</summary>
    public string? TeamId { get; init; }

    /// <summary>Gets the key's org.</summary>
    public string? OrgId { get; init; }

    /// <summary>Gets the endpoint (<c>/v1/chat/completions</c>, <c>in-process</c>).</summary>
    public string? Endpoint { get; init; }

    /// <summary>Gets the catalog model that served (or was asked for), if known.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the provider's wire id, if known.</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the input tokens billed.</summary>
    public long InputTokens { get; init; }

    /// <summary>Gets the output tokens billed.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Gets the cost billed, in USD.</summary>
    public decimal CostUsd { get; init; }

    /// <summary>Gets the gateway's time from arrival to the last byte, in milliseconds.</summary>
    public long LatencyMs { get; init; }

    /// <summary>Gets how the request ended (see <see cref="UsageVerdicts"/>).</summary>
    public required string Verdict { get; init; }

    /// <summary>Gets the HTTP status the client received (200 for a stream that started).</summary>
    public int StatusCode { get; init; }

    /// <summary>Gets the total tokens.</summary>
    public long TotalTokens => InputTokens + OutputTokens;
}
