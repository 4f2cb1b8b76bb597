using System.Security.Cryptography;
using System.Text;

namespace ThreadSync.Hosting.Admin;

/// <summary>How the admin key is kept: the lower-case hex SHA-256 of its UTF-8 bytes, in the store setting <see cref="SettingName"/>.</summary>
internal static class AdminKeyHash
{
    /// <summary>The store setting that holds the generated admin key's hash.</summary>
    public const string SettingName = "admin_key_sha256";

    /// <summary>The prefix of generated admin keys, so they are recognized as admin (not inference) keys.</summary>
    public const string GeneratedPrefix = "tsg-admin-";

    /// <summary>Presented keys longer than this are refused before hashing.</summary>
    public const int MaxLength = 1024;

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Creates an admin key: the prefix and 43 base-62 characters (256 bits) from the cryptographic random source.</summary>
    public static string Generate() => GeneratedPrefix + RandomNumberGenerator.GetString(Alphabet, 43);

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static string HashHex(string key) => Convert.ToHexStringLower(Hash(key));

    /// <summary>Parses a stored hash; <see langword="null"/> when it is not 64 hex digits (a damaged setting matches no key).</summary>
    public static byte[]? ParseHex(string? hex)
    {
        if (hex is null || hex.Length != 64)
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
