namespace ThreadSync.Gateway.Storage;

/// <summary>
/// The form of conversation ids. Ids are global across orgs, so clients that choose their own should make them
/// unguessable (a UUID); a conversation id another org already uses is simply not found.
/// </summary>
public static class ConversationIds
{
    /// <summary>The longest id.</summary>
    public const int MaxLength = 128;

    /// <summary>What a valid id is made of, for error messages.</summary>
    public const string Rule = "1 to 128 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'";

    /// <summary>Mints a new id: <c>conv_</c> and 32 lowercase hex characters, ordered by <paramref name="at"/>.</summary>
    /// <param name="at">The time the conversation starts.</param>
    /// <returns>The id.</returns>
    public static string New(DateTimeOffset at) => "conv_" + Guid.CreateVersion7(at).ToString("N");

    /// <summary>Whether <paramref name="id"/> is a well-formed conversation id.</summary>
    /// <param name="id">The id.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public static bool IsValid(string? id)
    {
        if (id is null || id.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
