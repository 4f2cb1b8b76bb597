using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ThreadSync.Hosting.Tests.Browser;

/// <summary>
/// The request signature of subject sessions, computed independently of the browser module: base64url (no padding)
/// of HMAC-SHA256(key, METHOD "\n" PATH_AND_QUERY "\n" TIMESTAMP "\n" NONCE "\n" hex SHA-256 of the body).
/// </summary>
internal static class SessionSignature
{
    /// <summary>Builds the canonical text a signature covers.</summary>
    public static string Canonical(string method, string pathAndQuery, long timestamp, string nonce, ReadOnlySpan<byte> body)
    {
        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(body));
        return string.Join('\n', method.ToUpperInvariant(), pathAndQuery, timestamp.ToString(CultureInfo.InvariantCulture), nonce, bodyHash);
    }

    /// <summary>Signs canonical text.</summary>
    public static string Sign(byte[] key, string canonical) => Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(canonical)));

    /// <summary>A PKCE S256 challenge.</summary>
    public static string Challenge(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
