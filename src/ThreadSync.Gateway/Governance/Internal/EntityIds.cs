using System.Security.Cryptography;

namespace ThreadSync.Gateway.Governance.Internal;

/// <summary>Ids of orgs, teams and keys: 1–64 characters of <c>a-z 0-9 - _</c>, safe in URLs, logs and CSV.</summary>
internal static class EntityIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Creates a random id with a type prefix (<c>key_</c>, <c>team_</c>, <c>org_</c>).</summary>
    public static string New(string prefix) => prefix + RandomNumberGenerator.GetString(Alphabet, 20);
}
