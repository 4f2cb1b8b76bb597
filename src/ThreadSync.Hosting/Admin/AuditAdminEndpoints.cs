using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ThreadSync.Gateway.Audit;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Serialization;

namespace ThreadSync.Hosting.Admin;

/// <summary>
/// The audit chain over the admin API: <c>GET /admin/v1/audit/admin-actions?limit=</c> (the latest admin actions,
/// newest first), <c>GET /admin/v1/audit/verify</c> (walks the whole chain and names the first bad record) and
/// <c>GET /admin/v1/audit/export?from_sequence=&amp;to_sequence=&amp;include_content=</c> (JSON Lines, every field
/// and both hashes, for a SIEM or an offline verifier).
/// </summary>
internal sealed class AuditAdminEndpoints(GatewayStores stores)
{
    public const int DefaultLimit = 100;

    public const int MaxLimit = 1000;

    /// <summary>Records written between flushes of an export, so memory stays flat however long the export.</summary>
    private const int ExportFlushEvery = 256;

    public async ValueTask<AdminResponse> ListAsync(AdminCall call)
    {
        var limit = AdminQuery.Int32(call.Http.Request, "limit", DefaultLimit, 1, MaxLimit);
        var records = await stores.Audit.ListLatestAsync(AuditKinds.Admin, limit, call.Aborted);
        call.SetDetails(limit, static (writer, limit) => writer.WriteNumber("limit", limit));
        return AdminResponse.Ok(writer => AdminJson.WriteList(writer, records, WriteAction));
    }

    /// <summary><c>GET /admin/v1/audit/verify</c>: <c>{valid, records, head}</c> or <c>{valid: false, first_bad_sequence, reason, detail}</c>.</summary>
    public async ValueTask<AdminResponse> VerifyAsync(AdminCall call)
    {
        var result = await stores.Audit.VerifyAsync(call.Aborted);
        call.SetDetails(result, static (writer, result) =>
        {
            writer.WriteBoolean("valid", result.Valid);
            writer.WriteNumber("records", result.Records);
            if (result.FirstBadSequence is { } bad)
            {
                writer.WriteNumber("first_bad_sequence", bad);
                writer.WriteString("reason", result.Reason);
            }
        });
        return AdminResponse.Ok(writer => WriteVerification(writer, result));
    }

    /// <summary><c>GET /admin/v1/audit/export?from_sequence=&amp;to_sequence=&amp;include_content=true|false</c>: JSON Lines in sequence order.</summary>
    public ValueTask<AdminResponse> ExportAsync(AdminCall call)
    {
        var request = call.Http.Request;
        var from = Sequence(request, "from_sequence") ?? 0;
        var to = Sequence(request, "to_sequence");
        if (to < from)
        {
            throw AdminErrors.Invalid("to_sequence", "'to_sequence' must not be below 'from_sequence'.");
        }

        var includeContent = AdminQuery.Get(request, "include_content")?.ToLowerInvariant() switch
        {
            null or "false" => false,
            "true" => true,
            _ => throw AdminErrors.Invalid("include_content", "'include_content' must be true or false."),
        };
        call.SetDetails((from, to, includeContent), static (writer, range) =>
        {
            writer.WriteNumber("from_sequence", range.from);
            if (range.to is { } to)
            {
                writer.WriteNumber("to_sequence", to);
            }

            writer.WriteBoolean("include_content", range.includeContent);
        });
        var chain = stores.Audit;
        return ValueTask.FromResult(AdminResponse.Stream(http => ExportAsync(http, chain, from, to, includeContent)));
    }

    public static void WriteVerification(Utf8JsonWriter writer, AuditVerification result)
    {
        writer.WriteStartObject();
        writer.WriteBoolean("valid", result.Valid);
        writer.WriteNumber("records", result.Records);
        if (result.Valid)
        {
            WriteHead(writer, result.Head);
        }
        else
        {
            writer.WriteNumber("first_bad_sequence", result.FirstBadSequence!.Value);
            writer.WriteString("reason", result.Reason);
            writer.WriteString("detail", result.Detail);
            writer.WritePropertyName("last_good");
            WriteHeadValue(writer, result.Head);
        }

        writer.WriteEndObject();
    }

    private static void WriteHead(Utf8JsonWriter writer, AuditHead? head)
    {
        writer.WritePropertyName("head");
        WriteHeadValue(writer, head);
    }

    private static void WriteHeadValue(Utf8JsonWriter writer, AuditHead? head)
    {
        if (head is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        writer.WriteNumber("sequence", head.Sequence);
        writer.WriteString("hash", head.Hash);
        writer.WriteEndObject();
    }

    private static long? Sequence(HttpRequest request, string name)
    {
        var text = AdminQuery.Get(request, name);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw AdminErrors.Invalid(name, $"'{name}' must be a sequence number (a whole number from 0).");
    }

    private static async Task ExportAsync(HttpContext http, IAuditChain chain, long from, long? to, bool includeContent)
    {
        http.Response.ContentType = "application/x-ndjson; charset=utf-8";
        http.Response.Headers.ContentDisposition = "attachment; filename=\"audit.jsonl\"";
        var output = http.Response.BodyWriter;
        using var writer = new Utf8JsonWriter(output, HostingJson.WriterOptions);
        var count = 0;
        await foreach (var record in chain.ReadAsync(from, to, includeContent, http.RequestAborted))
        {
            writer.Reset(output);
            AuditJsonLines.Write(writer, record);
            writer.Flush();
            output.Write("\n"u8);
            if (++count % ExportFlushEvery == 0)
            {
                await output.FlushAsync(http.RequestAborted);
            }
        }

        await output.FlushAsync(http.RequestAborted);
    }

    private static void WriteAction(Utf8JsonWriter writer, AuditRecord record)
    {
        writer.WriteStartObject();
        writer.WriteNumber("sequence", record.Sequence);
        AdminJson.WriteTime(writer, "at", record.At);
        writer.WriteString("correlation_id", record.CorrelationId);
        writer.WriteString("actor", record.Actor);
        writer.WriteString("action", record.Action);
        writer.WriteString("target_id", record.Target);
        writer.WriteNumber("status_code", record.StatusCode);
        writer.WritePropertyName("details");
        if (record.Details is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            // Written by the admin API itself as one JSON object; checked again on the way out.
            writer.WriteRawValue(record.Details);
        }

        writer.WriteEndObject();
    }
}
