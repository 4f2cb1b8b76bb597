using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Serialization;

namespace ThreadSync.Hosting.Admin;

/// <summary>
/// <c>/admin/v1/usage</c>: usage summed in the database and grouped by key, team, org, model and day (JSON or CSV),
/// and <c>/admin/v1/usage/export</c>: the raw ledger records streamed as JSON Lines or CSV, record by record.
/// </summary>
internal sealed class UsageAdminEndpoints(GatewayStores stores)
{
    /// <summary>Records written between flushes of an export, so memory stays flat however long the export.</summary>
    private const int ExportFlushEvery = 256;

    private static readonly (string Name, UsageGrouping Flag)[] Dimensions =
    [
        ("key", UsageGrouping.Key),
        ("team", UsageGrouping.Team),
        ("org", UsageGrouping.Org),
        ("model", UsageGrouping.Model),
        ("day", UsageGrouping.Day),
    ];

    /// <summary><c>GET /admin/v1/usage?group_by=&amp;from=&amp;to=&amp;org_id=&amp;team_id=&amp;key_id=&amp;model=&amp;format=json|csv</c>.</summary>
    public async ValueTask<AdminResponse> AggregateAsync(AdminCall call)
    {
        var request = call.Http.Request;
        var dimensions = GroupBy(AdminQuery.Get(request, "group_by"));
        var format = Format(request, "json", "csv");
        var filter = AdminQuery.UsageFilter(request);
        Describe(call, filter, format, dimensions);
        var grouping = UsageGrouping.None;
        foreach (var (_, flag) in dimensions)
        {
            grouping |= flag;
        }

        var rows = await stores.Usage.AggregateAsync(filter, grouping, call.Aborted);
        if (format == "json")
        {
            return AdminResponse.Ok(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("object", "list");
                writer.WritePropertyName("group_by");
                writer.WriteStartArray();
                foreach (var (name, _) in dimensions)
                {
                    writer.WriteStringValue(name);
                }

                writer.WriteEndArray();
                writer.WritePropertyName("data");
                writer.WriteStartArray();
                foreach (var row in rows)
                {
                    WriteAggregate(writer, row, dimensions);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            });
        }

        return AdminResponse.Stream(async http =>
        {
            StartDownload(http.Response, "text/csv; charset=utf-8", "usage.csv");
            var csv = new CsvWriter(http.Response.BodyWriter);
            foreach (var (_, flag) in dimensions)
            {
                csv.Text(ColumnOf(flag));
            }

            csv.Text("requests").Text("refused").Text("input_tokens").Text("output_tokens").Text("total_tokens").Text("cost_usd").EndRow();
            foreach (var row in rows)
            {
                foreach (var (_, flag) in dimensions)
                {
                    _ = flag == UsageGrouping.Day ? csv.Date(row.Day) : csv.Text(Dimension(row, flag));
                }

                csv.Number(row.Requests).Number(row.Refused).Number(row.InputTokens).Number(row.OutputTokens)
                    .Number(row.InputTokens + row.OutputTokens).Number(row.CostUsd).EndRow();
            }

            await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
        });
    }

    /// <summary><c>GET /admin/v1/usage/export?format=jsonl|csv&amp;from=&amp;to=&amp;org_id=&amp;team_id=&amp;key_id=&amp;model=</c>, oldest first.</summary>
    public ValueTask<AdminResponse> ExportAsync(AdminCall call)
    {
        var request = call.Http.Request;
        var format = Format(request, "jsonl", "csv");
        var filter = AdminQuery.UsageFilter(request);
        Describe(call, filter, format, []);
        var ledger = stores.Usage;
        return ValueTask.FromResult(AdminResponse.Stream(format == "csv"
            ? http => ExportCsvAsync(http, ledger, filter)
            : http => ExportJsonLinesAsync(http, ledger, filter)));
    }

    private static async Task ExportJsonLinesAsync(HttpContext http, IUsageLedger ledger, UsageFilter filter)
    {
        StartDownload(http.Response, "application/x-ndjson; charset=utf-8", "usage.jsonl");
        var output = http.Response.BodyWriter;
        using var writer = new Utf8JsonWriter(output, HostingJson.WriterOptions);
        var count = 0;
        await foreach (var record in ledger.ReadAsync(filter, http.RequestAborted))
        {
            writer.Reset(output);
            writer.WriteStartObject();
            AdminJson.WriteTime(writer, "at", record.At);
            writer.WriteString("correlation_id", record.CorrelationId);
            writer.WriteString("key_id", record.KeyId);
            AdminJson.WriteOptional(writer, "team_id", record.TeamId);
            AdminJson.WriteOptional(writer, "org_id", record.OrgId);
            AdminJson.WriteOptional(writer, "endpoint", record.Endpoint);
            AdminJson.WriteOptional(writer, "model", record.Model);
            AdminJson.WriteOptional(writer, "provider", record.Provider);
            writer.WriteNumber("input_tokens", record.InputTokens);
            writer.WriteNumber("output_tokens", record.OutputTokens);
            writer.WriteNumber("total_tokens", record.TotalTokens);
            writer.WriteNumber("cost_usd", record.CostUsd);
            writer.WriteNumber("latency_ms", record.LatencyMs);
            writer.WriteString("verdict", record.Verdict);
            writer.WriteNumber("status_code", record.StatusCode);
            writer.WriteEndObject();
            writer.Flush();
            output.Write("\n"u8);
            if (++count % ExportFlushEvery == 0)
            {
                await output.FlushAsync(http.RequestAborted);
            }
        }

        await output.FlushAsync(http.RequestAborted);
    }

    private static async Task ExportCsvAsync(HttpContext http, IUsageLedger ledger, UsageFilter filter)
    {
        StartDownload(http.Response, "text/csv; charset=utf-8", "usage.csv");
        var output = http.Response.BodyWriter;
        var csv = new CsvWriter(output);
        foreach (var column in (ReadOnlySpan<string>)["at", "correlation_id", "key_id", "team_id", "org_id", "endpoint", "model", "provider", "input_tokens", "output_tokens", "total_tokens", "cost_usd", "latency_ms", "verdict", "status_code"])
        {
            csv.Text(column);
        }

        csv.EndRow();
        var count = 0;
        await foreach (var record in ledger.ReadAsync(filter, http.RequestAborted))
        {
            csv.Time(record.At).Text(record.CorrelationId).Text(record.KeyId).Text(record.TeamId).Text(record.OrgId)
                .Text(record.Endpoint).Text(record.Model).Text(record.Provider)
                .Number(record.InputTokens).Number(record.OutputTokens).Number(record.TotalTokens).Number(record.CostUsd)
                .Number(record.LatencyMs).Text(record.Verdict).Number(record.StatusCode).EndRow();
            if (++count % ExportFlushEvery == 0)
            {
                await output.FlushAsync(http.RequestAborted);
            }
        }

        await output.FlushAsync(http.RequestAborted);
    }

    private static void WriteAggregate(Utf8JsonWriter writer, UsageAggregate row, (string Name, UsageGrouping Flag)[] dimensions)
    {
        writer.WriteStartObject();
        foreach (var (_, flag) in dimensions)
        {
            if (flag == UsageGrouping.Day)
            {
                if (row.Day is { } day)
                {
                    writer.WriteString("day", day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    writer.WriteNull("day");
                }
            }
            else
            {
                AdminJson.WriteOptional(writer, ColumnOf(flag), Dimension(row, flag));
            }
        }

        writer.WriteNumber("requests", row.Requests);
        writer.WriteNumber("refused", row.Refused);
        writer.WriteNumber("input_tokens", row.InputTokens);
        writer.WriteNumber("output_tokens", row.OutputTokens);
        writer.WriteNumber("total_tokens", row.InputTokens + row.OutputTokens);
        writer.WriteNumber("cost_usd", row.CostUsd);
        writer.WriteEndObject();
    }

    private static string ColumnOf(UsageGrouping flag) => flag switch
    {
        UsageGrouping.Key => "key_id",
        UsageGrouping.Team => "team_id",
        UsageGrouping.Org => "org_id",
        UsageGrouping.Model => "model",
        _ => "day",
    };

    private static string? Dimension(UsageAggregate row, UsageGrouping flag) => flag switch
    {
        UsageGrouping.Key => row.KeyId,
        UsageGrouping.Team => row.TeamId,
        UsageGrouping.Org => row.OrgId,
        UsageGrouping.Model => row.Model,
        _ => null,
    };

    /// <summary>Parses <c>group_by</c>: a comma-separated list of <c>key</c>, <c>team</c>, <c>org</c>, <c>model</c>, <c>day</c>, kept in the order given.</summary>
    private static (string Name, UsageGrouping Flag)[] GroupBy(string? text)
    {
        if (text is null)
        {
            return [];
        }

        var result = new List<(string, UsageGrouping)>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var match = Array.FindIndex(Dimensions, d => string.Equals(d.Name, part, StringComparison.OrdinalIgnoreCase));
            if (match < 0)
            {
                throw AdminErrors.Invalid("group_by", $"'group_by' takes a comma-separated list of key, team, org, model and day; '{AdminErrors.Quote(part)}' is none of them.");
            }

            if (!result.Contains(Dimensions[match]))
            {
                result.Add(Dimensions[match]);
            }
        }

        return [.. result];
    }

    private static string Format(HttpRequest request, params ReadOnlySpan<string> formats)
    {
        var format = AdminQuery.Get(request, "format")?.ToLowerInvariant() ?? formats[0];
        foreach (var known in formats)
        {
            if (format == known)
            {
                return known;
            }
        }

        throw AdminErrors.Invalid("format", $"'format' must be one of: {string.Join(", ", formats.ToArray())}.");
    }

    private static void Describe(AdminCall call, UsageFilter filter, string format, (string Name, UsageGrouping Flag)[] dimensions)
    {
        call.TargetId = filter.KeyId ?? filter.TeamId ?? filter.OrgId ?? AdminCall.CollectionTarget;
        call.SetDetails((filter, format, dimensions), static (writer, state) =>
        {
            writer.WriteString("format", state.format);
            if (state.dimensions.Length > 0)
            {
                writer.WriteString("group_by", string.Join(",", state.dimensions.Select(static d => d.Name)));
            }

            var filter = state.filter;
            if (filter.From is { } from)
            {
                AdminJson.WriteTime(writer, "from", from);
            }

            if (filter.To is { } to)
            {
                AdminJson.WriteTime(writer, "to", to);
            }

            WriteIfSet(writer, "org_id", filter.OrgId);
            WriteIfSet(writer, "team_id", filter.TeamId);
            WriteIfSet(writer, "key_id", filter.KeyId);
            WriteIfSet(writer, "model", filter.Model);
        });
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void StartDownload(HttpResponse response, string contentType, string fileName)
    {
        response.ContentType = contentType;
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
    }
}
