using ThreadSync.Gateway.Governance.Internal;

namespace ThreadSync.Gateway.Governance;

/// <summary>
/// Gateway key secrets and the ids of governance entities, for hosts that manage keys (the admin API) outside the
/// gateway. A secret is <c>tsg-</c> followed by 43 base-62 characters (256 bits of entropy) and is stored only as its
/// SHA-256 hash; ids are 1–64 characters of <c>a-z 0-9 - _</c>.
/// </summary>
/// <remarks>All members are thread-safe and free of side effects other than drawing from the system's cryptographic random source.</remarks>
public static class GatewayKeys
{
    /// <summary>The prefix of every gateway key secret (<c>tsg-</c>), so secret scanners and people recognize one.</summary>
    public const string Prefix = KeySecrets.Prefix;

    /// <summary>Creates a new key secret from the system's cryptographic random source.</summary>
    /// <returns>A secret such as <c>tsg-3kV…</c>: show it once, store only <see cref="Hash(string)"/>.</returns>
    public static string Generate() => KeySecrets.Generate();

    /// <summary>Hashes a secret the way the stores keep it (UTF-8, SHA-256).</summary>
    /// <param name="secret">The secret.</param>
    /// <returns>The 32-byte hash.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="secret"/> is <see langword="null"/>.</exception>
    public static byte[] Hash(string secret) => KeySecrets.Hash(secret);

    /// <summary>Gets the hint shown beside a key to tell keys apart: the secret's last four characters.</summary>
    /// <param name="secret">The secret.</param>
    /// <returns>The hint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="secret"/> is <see langword="null"/>.</exception>
    public static string Hint(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return KeySecrets.Hint(secret);
    }

    /// <summary>Tells whether a string is a valid org, team or key id: 1–64 characters of <c>a-z 0-9 - _</c>.</summary>
    /// <param name="id">The candidate id.</param>
    /// <returns><see langword="true"/> when it is valid.</returns>
    public static bool IsValidId(string? id) => EntityIds.IsValid(id);

    /// <summary>Creates a random id with a type prefix, such as <c>key_</c>, <c>team_</c> or <c>org_</c>.</summary>
    /// <param name="prefix">The prefix: at most 40 characters of <c>a-z 0-9 - _</c>.</param>
    /// <returns>The prefix followed by 20 random characters of <c>a-z 0-9</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> is not a valid id prefix.</exception>
    public static string NewId(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length > 40 || (prefix.Length > 0 && !EntityIds.IsValid(prefix)))
        {
            throw new ArgumentException("An id prefix is at most 40 characters of a-z 0-9 - _.", nameof(prefix));
        }

        return EntityIds.New(prefix);
    }
}
