namespace ThreadSync.Gateway;

/// <summary>How requests sent with an <c>Idempotency-Key</c> are held and replayed, bound from <c>ThreadSync:Idempotency</c>.</summary>
public sealed class IdempotencyOptions
{
    /// <summary>Gets or sets how long a finished request's response is replayed, and an uncertain key stays refused (<c>ThreadSync:Idempotency:Retention</c>).</summary>
    /// <value>30 days by default; between one minute and 3,650 days. Expired records are purged.</value>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Gets or sets how long a duplicate waits for the request holding its key to finish (<c>ThreadSync:Idempotency:WaitTimeout</c>).</summary>
    /// <value>10 minutes by default (the default <c>ThreadSync:Resilience:RequestTimeout</c>); after it, 409 <c>idempotency_in_progress</c>.</value>
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Gets or sets how long a running request's claim of its key holds without renewal (<c>ThreadSync:Idempotency:Lease</c>).
    /// The instance running it renews the claim every third of this; if the instance dies, the key becomes uncertain
    /// once the lease runs out.
    /// </summary>
    /// <value>30 seconds by default; between 3 seconds and one hour.</value>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how often a duplicate checks the store while the request holding its key runs on another instance
    /// (<c>ThreadSync:Idempotency:PollInterval</c>). Duplicates on the same instance are woken at once.
    /// </summary>
    /// <value>200 milliseconds by default; between 10 milliseconds and 10 seconds.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);
}
