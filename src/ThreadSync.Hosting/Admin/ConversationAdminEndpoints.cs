using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Endpoints.Conversations;
using ThreadSync.Hosting.Serialization;

namespace ThreadSync.Hosting.Admin;

/// <summary>
/// <c>/admin/v1/conversations</c>: an org's stored conversations for its admins — listed (metadata only), exported with
/// every turn as JSON Lines, and deleted one by one (data-subject requests), whoever owns them.
/// </summary>
internal sealed class ConversationAdminEndpoints(GatewayStores stores)
{
    /// <summary>Conversations written between flushes of an export, so memory stays flat however large the org.</summary>
    private const int ExportFlushEvery = 16;

    private const int MaxSubjectIdLength = 256;

    /// <summary><c>GET /admin/v1/conversations?org_id=&amp;subject_id=&amp;limit=&amp;after=</c>: one page, newest activity first.</summary>
    public async ValueTask<AdminResponse> ListAsync(AdminCall call)
    {
        var request = call.Http.Request;
        var orgId = await RequireOrgAsync(call);
        var subjectId = AdminQuery.Get(request, "subject_id");
        if (subjectId is not null && (subjectId.Length > MaxSubjectIdLength || subjectId.Any(char.IsControl)))
        {
            throw AdminErrors.Invalid("subject_id", $"'subject_id' must be at most {MaxSubjectIdLength} characters without control characters.");
        }

        var (limit, after) = ConversationPage.ReadPaging(request);
        call.SetDetails((subjectId, limit), static (writer, state) =>
        {
            if (state.subjectId is not null)
            {
                writer.WriteString("subject_id", state.subjectId);
            }

            writer.WriteNumber("limit", state.limit);
        });
        var query = new ConversationQuery { OrgId = orgId, SubjectId = subjectId, Limit = limit, After = after };
        var page = await ConversationPage.ReadAsync(stores.Conversations, query, call.Aborted);
        return AdminResponse.Ok(writer => ConversationJson.WritePage(writer, page, includeOrg: true));
    }

    /// <summary><c>GET /admin/v1/conversations/export?org_id=</c>: JSON Lines, one conversation with its turns per line, in id order.</summary>
    public async ValueTask<AdminResponse> ExportAsync(AdminCall call)
    {
        var orgId = await RequireOrgAsync(call);
        var store = stores.Conversations;
        return AdminResponse.Stream(http => ExportAsync(http, store, orgId));
    }

    /// <summary><c>DELETE /admin/v1/conversations/{id}</c>: deletes any org's conversation with every turn, for good.</summary>
    public async ValueTask<AdminResponse> DeleteAsync(AdminCall call)
    {
        var id = call.RouteId;
        call.TargetId = AdminErrors.Quote(id);
        var conversation = id.Length is > 0 and <= 256 ? await stores.Conversations.GetAsync(id, call.Aborted) : null;
        if (conversation is null)
        {
            throw AdminErrors.NotFound("conversation", id);
        }

        call.SetDetails(conversation, static (writer, c) =>
        {
            writer.WriteString("org_id", c.OrgId);
            writer.WriteString("owner", c.SubjectId);
            writer.WriteNumber("turn_count", c.TurnCount);
        });
        if (!await stores.Conversations.DeleteAsync(conversation.Id, call.Aborted))
        {
            throw AdminErrors.NotFound("conversation", id);
        }

        return AdminResponse.Ok(writer => ConversationJson.WriteDeleted(writer, conversation.Id));
    }

    /// <summary>Reads the required <c>org_id</c> and checks that the org exists (404 otherwise); it becomes the audited target.</summary>
    private async ValueTask<string> RequireOrgAsync(AdminCall call)
    {
        var orgId = AdminQuery.Id(call.Http.Request, "org_id") ?? throw AdminErrors.Missing("org_id");
        call.TargetId = orgId;
        return await stores.Governance.GetOrgAsync(orgId, call.Aborted) is not null
            ? orgId
            : throw AdminErrors.NotFound("org", orgId);
    }

    private static async Task ExportAsync(HttpContext http, IConversationStore store, string orgId)
    {
        http.Response.ContentType = "application/x-ndjson; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"conversations-{orgId}.jsonl\"";
        var output = http.Response.BodyWriter;
        using var writer = new Utf8JsonWriter(output, HostingJson.WriterOptions);
        var count = 0;
        await foreach (var export in store.ExportAsync(orgId, http.RequestAborted))
        {
            writer.Reset(output);
            ConversationJson.WriteConversation(writer, export.Conversation, includeOrg: true, turns: export.Turns);
            writer.Flush();
            output.Write("\n"u8);

            // A conversation may hold many long turns: flush often, so the response never buffers much of the org.
            if (++count % ExportFlushEvery == 0 || (output.CanGetUnflushedBytes && output.UnflushedBytes > 64 * 1024))
            {
                await output.FlushAsync(http.RequestAborted);
            }
        }

        await output.FlushAsync(http.RequestAborted);
    }
}
