using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace ThreadSync.Gateway.Audit;

/// <summary>
/// The audit export format: JSON Lines, one record per line, every field present (<see langword="null"/> where unset)
/// with its previous hash and hash, so a third party can verify the chain offline (<c>docs/audit.md</c>).
/// </summary>
/// <remarks>
/// Property names are snake_case: <c>sequence</c>, <c>time</c>, <c>kind</c>, <c>correlation_id</c>, <c>key_id</c>,
/// <c>org_id</c>, <c>team_id</c>, <c>endpoint</c>, <c>model</c>, <c>provider</c>, <c>route_method</c>, <c>verdict</c>,
/// <c>input_tokens</c>, <c>output_tokens</c>, <c>cost_usd</c>, <c>latency_ms</c>, <c>status_code</c>,
/// <c>fallback_attempts</c>, <c>prompt_sha256</c>, <c>response_sha256</c>, <c>actor</c>, <c>action</c>, <c>target</c>,
/// <c>details</c>, <c>previous_hash</c>, <c>hash</c>; with content, also <c>prompt_content</c> and
/// <c>response_content</c> (base64) and <c>content_expires_at</c>. <c>time</c> and <c>cost_usd</c> are written in their
/// canonical text (the cost as a JSON number: read its text as an exact decimal, not as a binary float).
/// </remarks>
public static class AuditJsonLines
{
    /// <summary>Writes one record as a JSON object (the caller ends the line).</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="record">The record, with its sequence and hashes.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static void Write(Utf8JsonWriter writer, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(record);
        writer.WriteStartObject();
        writer.WriteNumber("sequence", record.Sequence);
        writer.WriteString("time", AuditCanonicalEncoding.FormatTime(record.At));
        writer.WriteString("kind", record.Kind);
        writer.WriteString("correlation_id", record.CorrelationId);
        writer.WriteString("key_id", record.KeyId);
        writer.WriteString("org_id", record.OrgId);
        writer.WriteString("team_id", record.TeamId);
        writer.WriteString("endpoint", record.Endpoint);
        writer.WriteString("model", record.Model);
        writer.WriteString("provider", record.Provider);
        writer.WriteString("route_method", record.RouteMethod);
        writer.WriteString("verdict", record.Verdict);
        writer.WriteNumber("input_tokens", record.InputTokens);
        writer.WriteNumber("output_tokens", record.OutputTokens);
        writer.WritePropertyName("cost_usd");
        writer.WriteRawValue(AuditCanonicalEncoding.FormatCost(record.CostUsd), skipInputValidation: true);
        writer.WriteNumber("latency_ms", record.LatencyMs);
        writer.WriteNumber("status_code", record.StatusCode);
        writer.WriteNumber("fallback_attempts", record.FallbackAttempts);
        writer.WriteString("prompt_sha256", record.PromptSha256);
        writer.WriteString("response_sha256", record.ResponseSha256);
        writer.WriteString("actor", record.Actor);
        writer.WriteString("action", record.Action);
        writer.WriteString("target", record.Target);
        writer.WriteString("details", record.Details);
        writer.WriteString("previous_hash", record.PreviousHash);
        writer.WriteString("hash", record.Hash);
        if (record.Content is { } content)
        {
            WriteBytes(writer, "prompt_content", content.Prompt);
            WriteBytes(writer, "response_content", content.Response);
            writer.WriteString("content_expires_at", AuditCanonicalEncoding.FormatTime(content.ExpiresAt));
        }

        writer.WriteEndObject();
    }

    /// <summary>Reads the records of a JSON Lines export, in file order; blank lines are skipped.</summary>
    /// <param name="stream">The export.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">A line is not a record (the message names the line).</exception>
    public static async IAsyncEnumerable<AuditRecord> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var number = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            AuditRecord record;
            try
            {
                record = Parse(Encoding.UTF8.GetBytes(line));
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or OverflowException)
            {
                throw new FormatException($"Line {number} is not an audit record: {ex.Message}", ex);
            }

            yield return record;
        }
    }

    /// <summary>Parses one line (one JSON object) into a record.</summary>
    /// <param name="utf8">The line's UTF-8 bytes.</param>
    /// <returns>The record.</returns>
    /// <exception cref="JsonException">The line is not valid JSON.</exception>
    /// <exception cref="FormatException">A field has the wrong type or <c>time</c> or <c>kind</c> is missing.</exception>
    public static AuditRecord Parse(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new FormatException("Expected a JSON object.");
        }

        long sequence = 0, input = 0, output = 0, latency = 0;
        int status = 0, fallbacks = 0;
        decimal cost = 0;
        DateTimeOffset? at = null, expires = null;
        string? kind = null, correlation = null, key = null, org = null, team = null, endpoint = null, model = null, provider = null, route = null, verdict = null;
        string? prompt = null, response = null, actor = null, action = null, target = null, details = null, previous = null, hash = null;
        byte[]? promptContent = null, responseContent = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "sequence":
                    sequence = reader.GetInt64();
                    break;
                case "time":
                    at = Time(ref reader);
                    break;
                case "kind":
                    kind = reader.GetString();
                    break;
                case "correlation_id":
                    correlation = reader.GetString();
                    break;
                case "key_id":
                    key = reader.GetString();
                    break;
                case "org_id":
                    org = reader.GetString();
                    break;
                case "team_id":
                    team = reader.GetString();
                    break;
                case "endpoint":
                    endpoint = reader.GetString();
                    break;
                case "model":
                    model = reader.GetString();
                    break;
                case "provider":
                    provider = reader.GetString();
                    break;
                case "route_method":
                    route = reader.GetString();
                    break;
                case "verdict":
                    verdict = reader.GetString();
                    break;
                case "input_tokens":
                    input = reader.GetInt64();
                    break;
                case "output_tokens":
                    output = reader.GetInt64();
                    break;
                case "cost_usd":
                    cost = reader.TokenType == JsonTokenType.String ? decimal.Parse(reader.GetString()!, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture) : reader.GetDecimal();
                    break;
                case "latency_ms":
                    latency = reader.GetInt64();
                    break;
                case "status_code":
                    status = reader.GetInt32();
                    break;
                case "fallback_attempts":
                    fallbacks = reader.GetInt32();
                    break;
                case "prompt_sha256":
                    prompt = reader.GetString();
                    break;
                case "response_sha256":
                    response = reader.GetString();
                    break;
                case "actor":
                    actor = reader.GetString();
                    break;
                case "action":
                    action = reader.GetString();
                    break;
                case "target":
                    target = reader.GetString();
                    break;
                case "details":
                    details = reader.GetString();
                    break;
                case "previous_hash":
                    previous = reader.GetString();
                    break;
                case "hash":
                    hash = reader.GetString();
                    break;
                case "prompt_content":
                    promptContent = reader.TokenType == JsonTokenType.Null ? null : reader.GetBytesFromBase64();
                    break;
                case "response_content":
                    responseContent = reader.TokenType == JsonTokenType.Null ? null : reader.GetBytesFromBase64();
                    break;
                case "content_expires_at":
                    expires = Time(ref reader);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new AuditRecord
        {
            Sequence = sequence,
            At = at ?? throw new FormatException("The record has no 'time'."),
            Kind = kind ?? throw new FormatException("The record has no 'kind'."),
            CorrelationId = correlation,
            KeyId = key,
            OrgId = org,
            TeamId = team,
            Endpoint = endpoint,
            Model = model,
            Provider = provider,
            RouteMethod = route,
            Verdict = verdict,
            InputTokens = input,
            OutputTokens = output,
            CostUsd = cost,
            LatencyMs = latency,
            StatusCode = status,
            FallbackAttempts = fallbacks,
            PromptSha256 = prompt,
            ResponseSha256 = response,
            Actor = actor,
            Action = action,
            Target = target,
            Details = details,
            PreviousHash = previous,
            Hash = hash,
            Content = promptContent is null && responseContent is null ? null : new AuditContent { Prompt = promptContent, Response = responseContent, ExpiresAt = expires ?? DateTimeOffset.MaxValue },
        };
    }

    private static DateTimeOffset? Time(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.Null ? null : reader.GetDateTimeOffset();

    private static void WriteBytes(Utf8JsonWriter writer, string name, byte[]? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteBase64String(name, value);
        }
    }
}
