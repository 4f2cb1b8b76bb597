using System.Text.Json;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Hosting.Endpoints.Conversations;

/// <summary>
/// The JSON of conversations and their turns (snake_case; times as unix seconds, as OpenAI writes them), shared by the
/// user endpoints and the admin API.
/// </summary>
internal static class ConversationJson
{
    /// <summary>Writes a conversation object; <paramref name="includeOrg"/> adds <c>org_id</c> (admin views), <paramref name="turns"/> adds <c>turns</c>.</summary>
    public static void WriteConversation(Utf8JsonWriter writer, Conversation conversation, bool includeOrg = false, IReadOnlyList<ConversationTurn>? turns = null)
    {
        writer.WriteStartObject();
        writer.WriteString("id", conversation.Id);
        writer.WriteString("object", "conversation");
        if (includeOrg)
        {
            writer.WriteString("org_id", conversation.OrgId);
        }

        WriteOptional(writer, "title", conversation.Title);
        writer.WriteBoolean("shared", conversation.Shared);
        writer.WriteString("owner", conversation.SubjectId);
        writer.WriteNumber("created_at", conversation.CreatedAt.ToUnixTimeSeconds());
        writer.WriteNumber("updated_at", conversation.UpdatedAt.ToUnixTimeSeconds());
        writer.WriteNumber("turn_count", conversation.TurnCount);
        WriteOptional(writer, "summary", conversation.Summary);
        writer.WriteNumber("summary_through", conversation.SummaryThrough);
        if (turns is not null)
        {
            writer.WritePropertyName("turns");
            writer.WriteStartArray();
            foreach (var turn in turns)
            {
                WriteTurn(writer, turn);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a turn: <c>content</c> is <c>null</c> when the org captured metadata only.</summary>
    public static void WriteTurn(Utf8JsonWriter writer, ConversationTurn turn)
    {
        writer.WriteStartObject();
        writer.WriteNumber("sequence", turn.Sequence);
        writer.WriteString("role", turn.Role);
        WriteOptional(writer, "content", turn.Content);
        WriteOptional(writer, "model", turn.Model);
        WriteOptional(writer, "request_id", turn.CorrelationId);
        writer.WriteNumber("input_tokens", turn.InputTokens);
        writer.WriteNumber("output_tokens", turn.OutputTokens);
        writer.WriteNumber("created_at", turn.At.ToUnixTimeSeconds());
        writer.WriteEndObject();
    }

    /// <summary>Writes a page: <c>{"object":"list","data":[…],"has_more":…,"next_after":…}</c>.</summary>
    public static void WritePage(Utf8JsonWriter writer, ConversationPage page, bool includeOrg = false)
    {
        writer.WriteStartObject();
        writer.WriteString("object", "list");
        writer.WritePropertyName("data");
        writer.WriteStartArray();
        foreach (var conversation in page.Conversations)
        {
            WriteConversation(writer, conversation, includeOrg);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("has_more", page.HasMore);
        WriteOptional(writer, "next_after", page.NextAfter);
        writer.WriteEndObject();
    }

    /// <summary>Writes the answer to a deletion: <c>{"id":…,"object":"conversation.deleted","deleted":true}</c>.</summary>
    public static void WriteDeleted(Utf8JsonWriter writer, string id)
    {
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteString("object", "conversation.deleted");
        writer.WriteBoolean("deleted", true);
        writer.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
