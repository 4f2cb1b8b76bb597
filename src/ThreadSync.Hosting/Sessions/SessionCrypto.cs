using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace ThreadSync.Hosting.Sessions;

/// <summary>
/// The cryptography of browser sessions: random secrets, PKCE S256 (RFC 7636), and request signatures, HMAC-SHA256 over
/// <c>METHOD \n PATH_AND_QUERY \n TIMESTAMP \n NONCE \n hex(SHA-256(body))</c>. Comparisons are constant-time.
/// </summary>
internal static class SessionCrypto
{
    /// <summary>A new secret with a prefix: 32 random bytes in base64url (<c>tsc_…</c>, <c>tss_…</c>).</summary>
    public static string NewSecret(string prefix) => prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Whether a PKCE <c>code_challenge</c> is well-formed: 43 characters of base64url (a SHA-256).</summary>
    public static bool IsChallenge(string? challenge) =>
        challenge is { Length: 43 } && Base64Url.IsValid(challenge, out var length) && length == 32;

    /// <summary>Whether a PKCE <c>code_verifier</c> is well-formed: 43–128 characters of <c>A-Z a-z 0-9 - . _ ~</c>.</summary>
    public static bool IsVerifier(string? verifier) =>
        verifier is { Length: >= 43 and <= 128 } && verifier.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    /// <summary>Whether BASE64URL(SHA-256(verifier)) is the challenge, compared in constant time.</summary>
    public static bool VerifierMatches(string verifier, string challenge)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.ASCII.GetBytes(verifier), hash);
        Span<byte> expected = stackalloc byte[32];
        return Base64Url.TryDecodeFromChars(challenge, expected, out var written) && written == 32
            && CryptographicOperations.FixedTimeEquals(hash, expected);
    }

    /// <summary>Whether a nonce is well-formed: 22–128 characters of base64url.</summary>
    public static bool IsNonce(string? nonce) =>
        nonce is { Length: >= 22 and <= 128 } && nonce.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Whether the base64url signature is HMAC-SHA256(key, canonical request), compared in constant time.</summary>
    public static bool SignatureMatches(byte[] key, string method, string pathAndQuery, string timestamp, string nonce, in ReadOnlySequence<byte> body, string signature)
    {
        Span<byte> presented = stackalloc byte[32];
        if (signature.Length != 43 || !Base64Url.TryDecodeFromChars(signature, presented, out var written) || written != 32)
        {
            return false;
        }

        Span<byte> bodyHash = stackalloc byte[32];
        using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            foreach (var segment in body)
            {
                sha.AppendData(segment.Span);
            }

            sha.GetHashAndReset(bodyHash);
        }

        var canonical = $"{method.ToUpperInvariant()}\n{pathAndQuery}\n{timestamp}\n{nonce}\n{Convert.ToHexStringLower(bodyHash)}";
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(canonical), expected);
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }
}
