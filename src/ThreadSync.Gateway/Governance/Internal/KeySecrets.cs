using System.Security.Cryptography;
using System.Text;

namespace ThreadSync.Gateway.Governance.Internal;

/// <summary>Gateway key secrets: <c>tsg-</c> and 43 base-62 characters (256 bits), stored only as SHA-256 hashes.</summary>
internal static class KeySecrets
{
    /// <summary>The prefix of every gateway key, so secret scanners and people recognize one.</summary>
    public const string Prefix = "tsg-";

    /// <summary>The longest secret looked up: anything longer is refused before hashing.</summary>
    public const int MaxLength = 256;

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Creates a new secret from the system's cryptographic random source.</summary>
    public static string Generate() => Prefix + RandomNumberGenerator.GetString(Alphabet, 43);

    /// <summary>Hashes a presented secret (UTF-8, SHA-256).</summary>
    public static byte[] Hash(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(Math.Min(secret.Length, MaxLength))];
        var length = Encoding.UTF8.GetBytes(secret.AsSpan(0, Math.Min(secret.Length, MaxLength)), utf8);
        return SHA256.HashData(utf8[..length]);
    }

    /// <summary>The hint shown beside a key: its last four characters.</summary>
    public static string Hint(string secret) => secret.Length <= 4 ? secret : secret[^4..];
}
