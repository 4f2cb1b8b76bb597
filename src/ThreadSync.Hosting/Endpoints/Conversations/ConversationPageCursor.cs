using System.Buffers.Text;
using System.Globalization;
using System.Text;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Hosting.Endpoints.Conversations;

/// <summary>
/// The opaque <c>after</c> / <c>next_after</c> text of conversation listings: a <see cref="ConversationCursor"/>
/// (the last listed conversation's update time, to the tick, and id) as unpadded base64url of <c>ticks:id</c>.
/// </summary>
internal static class ConversationPageCursor
{
    private const int MaxLength = 512;

    /// <summary>Writes the cursor that continues a listing after <paramref name="conversation"/>.</summary>
    public static string Format(Conversation conversation)
    {
        var cursor = ConversationCursor.After(conversation);
        var text = string.Create(CultureInfo.InvariantCulture, $"{cursor.UpdatedAt.UtcTicks}:{cursor.Id}");
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Reads a cursor written by <see cref="Format"/>; <see langword="false"/> when the text is not one.</summary>
    public static bool TryParse(string text, out ConversationCursor? cursor)
    {
        cursor = null;
        if (text.Length is 0 or > MaxLength || !Base64Url.IsValid(text))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(text));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == decoded.Length - 1
            || !long.TryParse(decoded.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        var id = decoded[(colon + 1)..];
        if (id.Any(char.IsControl))
        {
            return false;
        }

        cursor = new ConversationCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
        return true;
    }
}
