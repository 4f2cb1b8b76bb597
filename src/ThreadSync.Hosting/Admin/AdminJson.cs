using System.Text.Json;
using ThreadSync.Gateway.Governance;

namespace ThreadSync.Hosting.Admin;

/// <summary>
/// The admin API's JSON shapes (snake_case), written straight to the response. Times are ISO 8601 in UTC, money is
/// written from <see langword="decimal"/> digit for digit. A key's JSON never holds a secret or a hash: only its
/// <c>hint</c>.
/// </summary>
internal static class AdminJson
{
    public static readonly string[] LimitFields = ["requests_per_hour", "tokens_per_hour", "daily_usd", "monthly_usd", "daily_tokens", "monthly_tokens"];

    public static readonly string[] AccessFields = ["allowed_providers", "allowed_models", "denied_models"];

    /// <summary>Writes the list envelope every admin collection answers with: <c>{"object":"list","data":[…]}</c>.</summary>
    public static void WriteList<T>(Utf8JsonWriter writer, IReadOnlyList<T> items, Action<Utf8JsonWriter, T> writeItem)
    {
        writer.WriteStartObject();
        writer.WriteString("object", "list");
        writer.WritePropertyName("data");
        writer.WriteStartArray();
        foreach (var item in items)
        {
            writeItem(writer, item);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteOrg(Utf8JsonWriter writer, Org org)
    {
        writer.WriteStartObject();
        writer.WriteString("object", "org");
        writer.WriteString("id", org.Id);
        writer.WriteString("name", org.Name);
        WriteLimits(writer, "limits", org.Limits);
        WritePolicy(writer, "policy", org.Policy);
        WriteTime(writer, "created_at", org.CreatedAt);
        writer.WriteEndObject();
    }

    public static void WriteTeam(Utf8JsonWriter writer, Team team)
    {
        writer.WriteStartObject();
        writer.WriteString("object", "team");
        writer.WriteString("id", team.Id);
        writer.WriteString("org_id", team.OrgId);
        writer.WriteString("name", team.Name);
        WriteLimits(writer, "limits", team.Limits);
        WriteTime(writer, "created_at", team.CreatedAt);
        writer.WriteEndObject();
    }

    /// <summary>Writes a key's properties (without the braces, so a response can add <c>secret</c>).</summary>
    public static void WriteKeyProperties(Utf8JsonWriter writer, GatewayKey key)
    {
        writer.WriteString("object", "key");
        writer.WriteString("id", key.Id);
        writer.WriteString("org_id", key.OrgId);
        WriteOptional(writer, "team_id", key.TeamId);
        WriteOptional(writer, "environment", key.Environment);
        writer.WriteString("name", key.Name);
        writer.WriteString("hint", key.Hint);
        WriteOptional(writer, "tier", key.Tier);
        WriteLimits(writer, "limits", key.Limits);
        WriteAccess(writer, "access", key.Access);
        writer.WriteString("status", key.RevokedAt is null ? "active" : "revoked");
        WriteTime(writer, "created_at", key.CreatedAt);
        WriteOptionalTime(writer, "rotated_at", key.RotatedAt);
        WriteOptionalTime(writer, "revoked_at", key.RevokedAt);
    }

    public static void WriteKey(Utf8JsonWriter writer, GatewayKey key)
    {
        writer.WriteStartObject();
        WriteKeyProperties(writer, key);
        writer.WriteEndObject();
    }

    public static void WritePolicy(Utf8JsonWriter writer, string name, OrgPolicy policy)
    {
        writer.WritePropertyName(name);
        WritePolicyValue(writer, policy);
    }

    public static void WritePolicyValue(Utf8JsonWriter writer, OrgPolicy policy)
    {
        writer.WriteStartObject();
        WriteAccess(writer, "access", policy.Access);
        WriteLimits(writer, "key_limit_caps", policy.KeyLimitCaps);
        writer.WriteBoolean("audit_content", policy.AuditContent);
        writer.WriteNumber("audit_content_retention_days", policy.AuditContentRetentionDays);
        writer.WriteString("conversation_capture", CaptureName(policy.ConversationCapture));
        WriteOptional(writer, "conversation_retention_days", policy.ConversationRetentionDays);
        writer.WriteEndObject();
    }

    /// <summary>The wire name of a <see cref="ConversationCapture"/>: <c>off</c>, <c>metadata</c> or <c>full</c>.</summary>
    public static string CaptureName(ConversationCapture capture) => capture switch
    {
        ConversationCapture.Metadata => "metadata",
        ConversationCapture.Full => "full",
        _ => "off",
    };

    /// <summary>Writes every limit, <c>null</c> for those not set.</summary>
    public static void WriteLimits(Utf8JsonWriter writer, string name, QuotaLimits limits)
    {
        writer.WritePropertyName(name);
        writer.WriteStartObject();
        WriteOptional(writer, "requests_per_hour", limits.RequestsPerHour);
        WriteOptional(writer, "tokens_per_hour", limits.TokensPerHour);
        WriteOptional(writer, "daily_usd", limits.DailyUsd);
        WriteOptional(writer, "monthly_usd", limits.MonthlyUsd);
        WriteOptional(writer, "daily_tokens", limits.DailyTokens);
        WriteOptional(writer, "monthly_tokens", limits.MonthlyTokens);
        writer.WriteEndObject();
    }

    public static void WriteAccess(Utf8JsonWriter writer, string name, AccessRules access)
    {
        writer.WritePropertyName(name);
        writer.WriteStartObject();
        WriteStrings(writer, "allowed_providers", access.AllowedProviders);
        WriteStrings(writer, "allowed_models", access.AllowedModels);
        WriteStrings(writer, "denied_models", access.DeniedModels);
        writer.WriteEndObject();
    }

    /// <summary>Writes a UTC time in ISO 8601 (<c>2026-01-31T12:00:00Z</c>, with fractions of a second when any).</summary>
    public static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset value) => writer.WriteString(name, value.UtcDateTime);

    public static void WriteOptionalTime(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            WriteTime(writer, name, time);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    public static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
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

    public static void WriteOptional(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    public static void WriteOptional(Utf8JsonWriter writer, string name, decimal? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WritePropertyName(name);
        writer.WriteStartArray();
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
