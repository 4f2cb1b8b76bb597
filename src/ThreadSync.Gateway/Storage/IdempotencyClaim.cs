namespace ThreadSync.Gateway.Storage;

/// <summary>One request's claim of an idempotency key (see <see cref="IIdempotencyStore"/>).</summary>
public sealed record IdempotencyClaim
{
    /// <summary>The longest idempotency key accepted, in characters.</summary>
    public const int MaxKeyLength = 255;

    /// <summary>The length of a fingerprint, in bytes (a SHA-256 hash).</summary>
    public const int FingerprintLength = 32;

    /// <summary>Gets the id of the API key the request came with (records are scoped by it).</summary>
    public required string KeyId { get; init; }

    /// <summary>Gets the idempotency key the client sent (1 to <see cref="MaxKeyLength"/> characters).</summary>
    public required string Key { get; init; }

    /// <summary>Gets the request's fingerprint: a SHA-256 hash of what makes it the same request (method, path and body bytes).</summary>
    public required byte[] Fingerprint { get; init; }

    /// <summary>Gets an id unique to this claim attempt; only the owner of an in-progress claim can complete, release, mark or renew it.</summary>
    public required string Owner { get; init; }

    /// <summary>Gets how long an in-progress claim holds without renewal before a claimant may turn it uncertain.</summary>
    public required TimeSpan Lease { get; init; }

    /// <summary>Gets how long a completed or uncertain record is kept, from when it was completed or marked.</summary>
    public required TimeSpan Retention { get; init; }

    /// <summary>Checks the claim's fields.</summary>
    /// <exception cref="ArgumentException">A field is missing or out of range.</exception>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(KeyId, nameof(KeyId));
        ArgumentException.ThrowIfNullOrEmpty(Key, nameof(Key));
        ArgumentException.ThrowIfNullOrEmpty(Owner, nameof(Owner));
        ArgumentNullException.ThrowIfNull(Fingerprint, nameof(Fingerprint));
        if (Key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"An idempotency key is at most {MaxKeyLength} characters.", nameof(Key));
        }

        if (Fingerprint.Length != FingerprintLength)
        {
            throw new ArgumentException($"A fingerprint is {FingerprintLength} bytes.", nameof(Fingerprint));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Lease, TimeSpan.Zero, nameof(Lease));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Retention, TimeSpan.Zero, nameof(Retention));
    }
}
