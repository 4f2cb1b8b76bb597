using System.Text.Json;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Hosting.Admin;

/// <summary><c>GET /admin/v1/audit/admin-actions?limit=</c>: the latest admin actions, newest first.</summary>
internal sealed class AuditAdminEndpoints(GatewayStores stores)
{
    public const int DefaultLimit = 100;

    public const int MaxLimit = 1000;

    public async ValueTask<AdminResponse> ListAsync(AdminCall call)
    {
        var limit = AdminQuery.Int32(call.Http.Request, "limit", DefaultLimit, 1, MaxLimit);
        var entries = await stores.AdminAudit.ListAsync(limit, call.Aborted);
        call.SetDetails(limit, static (writer, limit) => writer.WriteNumber("limit", limit));
        return AdminResponse.Ok(writer => AdminJson.WriteList(writer, entries, WriteEntry));
    }

    private static void WriteEntry(Utf8JsonWriter writer, AdminAuditEntry entry)
    {
        writer.WriteStartObject();
        AdminJson.WriteTime(writer, "at", entry.At);
        writer.WriteString("correlation_id", entry.CorrelationId);
        writer.WriteString("actor", entry.Actor);
        writer.WriteString("action", entry.Action);
        writer.WriteString("target_id", entry.TargetId);
        writer.WriteNumber("status_code", entry.StatusCode);
        writer.WritePropertyName("details");
        if (entry.Details is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            // Written by the admin API itself as one JSON object; checked again on the way out.
            writer.WriteRawValue(entry.Details);
        }

        writer.WriteEndObject();
    }
}
