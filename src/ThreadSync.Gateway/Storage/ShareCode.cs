namespace ThreadSync.Gateway.Storage;

/// <summary>
/// A short-lived, single-use code a backend holding an API key mints for a browser (PKCE, RFC 7636): the browser
/// exchanges it, with the verifier whose S256 challenge is recorded here, for a subject session.
/// </summary>
public sealed record ShareCode
{
    /// <summary>Gets the SHA-256 of the code (the code itself is never stored).</summary>
    public required byte[] CodeHash { get; init; }

    /// <summary>Gets the app client the code is for.</summary>
    public required string AppClientId { get; init; }

    /// <summary>Gets the org of the app client and of the minting key.</summary>
    public required string OrgId { get; init; }

    /// <summary>Gets the key that minted the code: its limits, budgets and access rules govern the session.</summary>
    public required string KeyId { get; init; }

    /// <summary>Gets the subject (the end user) the session acts for.</summary>
    public required string SubjectId { get; init; }

    /// <summary>Gets the PKCE <c>code_challenge</c>: BASE64URL(SHA-256(code_verifier)), 43 characters.</summary>
    public required string CodeChallenge { get; init; }

    /// <summary>Gets when the code was minted.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the code stops being accepted.</summary>
    public DateTimeOffset ExpiresAt { get; init; }
}
