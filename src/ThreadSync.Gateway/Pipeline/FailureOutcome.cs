namespace ThreadSync.Gateway;

/// <summary>
/// What a failed request means for running it again: whether a provider may have executed it. An idempotency key's
/// record follows it (see <c>docs/idempotency.md</c>): a definite failure is stored and replayed, a transient one frees
/// the key, an uncertain one quarantines it.
/// </summary>
public enum FailureOutcome
{
    /// <summary>
    /// The request itself was refused, by the gateway or by the provider, for what it is (invalid, too large, an unknown
    /// or retired model): sent again it fails the same way. Nothing was executed.
    /// </summary>
    Definite,

    /// <summary>
    /// No provider executed the request, and sent again it may succeed: a rate limit, budget or access rule refused it,
    /// or every provider answered with an error status, could not be reached, or was out of rotation.
    /// </summary>
    Transient,

    /// <summary>
    /// A provider may have executed (and billed) the request without the gateway learning the result: it timed out after
    /// the request was sent, the connection broke mid-response, or a stream failed after its first token.
    /// </summary>
    Uncertain,
}
