using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Governance;
using ThreadSync.Hosting.Http;

namespace ThreadSync.Hosting.Admin;

/// <summary>
/// An admin request's JSON body, read strictly: it must be an object, fields are snake_case, and an unknown or
/// repeated field is refused (400 <c>invalid_parameter</c> naming it) rather than ignored, so a typo never silently
/// drops a limit. Every refusal names the field at fault in <c>param</c> (<c>limits.daily_usd</c>).
/// </summary>
internal sealed class AdminBody
{
    /// <summary>Admin bodies are small; anything larger is refused with 413.</summary>
    public const long MaxBytes = 1024 * 1024;

    /// <summary>The longest content retention an org policy may set: ten years.</summary>
    public const int MaxRetentionDays = 3650;

    private readonly JsonElement _root;

    private AdminBody(JsonElement root) => _root = root;

    /// <summary>Reads a JSON object body; with <paramref name="optional"/>, an empty body reads as <c>{}</c>.</summary>
    public static async ValueTask<AdminBody> ReadAsync(HttpRequest request, bool optional = false)
    {
        if (optional && request.ContentLength == 0)
        {
            return new AdminBody(default);
        }

        // An optional body may be left out entirely (no content type); one that is sent must be JSON.
        if (!optional || !string.IsNullOrEmpty(request.ContentType))
        {
            RequestGuards.RequireJson(request);
        }

        var body = await RequestGuards.ReadBodyAsync(request, MaxBytes);
        byte[] bytes;
        try
        {
            bytes = body.ToArray();
        }
        finally
        {
            request.BodyReader.AdvanceTo(body.End);
        }

        if (bytes.Length == 0)
        {
            return optional ? new AdminBody(default) : throw new GatewayException(400, GatewayErrorCodes.InvalidJson, "The request body must be a JSON object.");
        }

        if (string.IsNullOrEmpty(request.ContentType))
        {
            RequestGuards.RequireJson(request);
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new GatewayException(400, GatewayErrorCodes.InvalidJson, "The request body is not valid JSON.");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new GatewayException(400, GatewayErrorCodes.InvalidJson, "The request body must be a JSON object.");
        }

        return new AdminBody(root);
    }

    /// <summary>Refuses any field not in <paramref name="names"/>, and any field given twice.</summary>
    public AdminBody Allow(params ReadOnlySpan<string> names)
    {
        CheckFields(_root, string.Empty, names);
        return this;
    }

    /// <summary>Tells whether a field is present (even as <c>null</c>).</summary>
    public bool Has(string name) => TryGet(name, out _);

    /// <summary>Reads a required display name: 1–200 characters, no control characters, trimmed.</summary>
    public string RequiredName(string name) => OptionalText(name, 200, allowNull: false) ?? throw AdminErrors.Missing(name);

    /// <summary>Reads an optional text field (<see langword="null"/> when absent or null).</summary>
    public string? OptionalText(string name, int maxLength, bool allowNull = true)
    {
        if (!TryGet(name, out var value) || (allowNull && value.ValueKind == JsonValueKind.Null))
        {
            return null;
        }

        return Text(value, name, maxLength);
    }

    /// <summary>Reads a required id field (an org or team the request refers to).</summary>
    public string RequiredId(string name) => OptionalId(name) ?? throw AdminErrors.Missing(name);

    /// <summary>Reads an optional id field: 1–64 characters of <c>a-z 0-9 - _</c>.</summary>
    public string? OptionalId(string name)
    {
        if (!TryGet(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var id = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return GatewayKeys.IsValidId(id)
            ? id!
            : throw AdminErrors.Invalid(name, $"'{name}' must be 1-64 characters of a-z, 0-9, '-' and '_'.");
    }

    /// <summary>Reads an optional whole number within a range.</summary>
    public long? OptionalInt64(string name, long min, long max)
    {
        if (!TryGet(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= min && number <= max
            ? number
            : throw AdminErrors.Invalid(name, $"'{name}' must be a whole number from {min} to {max}.");
    }

    /// <summary>Reads an optional <c>true</c> or <c>false</c> field (<see langword="null"/> when absent; <c>null</c> is refused).</summary>
    public bool? OptionalBoolean(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw AdminErrors.Invalid(name, $"'{name}' must be true or false."),
        };
    }

    /// <summary>Reads an optional array of strings (<see langword="null"/> when absent): each 1 to <paramref name="maxLength"/> characters, trimmed.</summary>
    public IReadOnlyList<string>? OptionalStrings(string name, int maxItems, int maxLength)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > maxItems)
        {
            throw AdminErrors.Invalid(name, $"'{name}' must be an array of at most {maxItems} strings.");
        }

        var items = new List<string>(value.GetArrayLength());
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            items.Add(Text(item, $"{name}[{i++}]", maxLength));
        }

        return items;
    }

    /// <summary>Reads a limits object: <see langword="null"/> when absent, no limits when <c>null</c> or <c>{}</c>.</summary>
    public QuotaLimits? Limits(string name) => TryGet(name, out var value) ? ReadLimits(value, name) : null;

    /// <summary>Reads an access-rules object: <see langword="null"/> when absent, allow-all when <c>null</c> or <c>{}</c>.</summary>
    public AccessRules? Access(string name) => TryGet(name, out var value) ? ReadAccess(value, name) : null;

    /// <summary>Reads an org policy object (<c>access</c>, <c>key_limit_caps</c>); absent parts restrict nothing.</summary>
    public OrgPolicy? Policy(string name) => TryGet(name, out var value) ? ReadPolicy(value, name) : null;

    /// <summary>Reads this whole body as an org policy.</summary>
    public OrgPolicy AsPolicy() => ReadPolicy(_root, string.Empty);

    private static OrgPolicy ReadPolicy(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return OrgPolicy.None;
        }

        RequireObject(value, path);
        CheckFields(value, path, ["access", "key_limit_caps", "audit_content", "audit_content_retention_days", "conversation_capture", "conversation_retention_days"]);
        return new OrgPolicy
        {
            Access = value.TryGetProperty("access", out var access) ? ReadAccess(access, Join(path, "access")) : AccessRules.AllowAll,
            KeyLimitCaps = value.TryGetProperty("key_limit_caps", out var caps) ? ReadLimits(caps, Join(path, "key_limit_caps")) : QuotaLimits.None,
            AuditContent = Flag(value, path, "audit_content") ?? false,
            AuditContentRetentionDays = RetentionDays(value, path, "audit_content_retention_days") ?? OrgPolicy.DefaultAuditContentRetentionDays,
            ConversationCapture = Capture(value, path),
            ConversationRetentionDays = RetentionDays(value, path, "conversation_retention_days", orKeepForever: true),
        };
    }

    /// <summary>Reads a number of days (1 to <see cref="MaxRetentionDays"/>); <see langword="null"/> when absent or null.</summary>
    private static int? RetentionDays(JsonElement parent, string path, string name, bool orKeepForever = false)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var param = Join(path, name);
        var alternative = orKeepForever ? ", or null to keep until deleted" : string.Empty;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var days) && days >= 1 && days <= MaxRetentionDays
            ? days
            : throw AdminErrors.Invalid(param, $"'{param}' must be a whole number of days from 1 to {MaxRetentionDays}{alternative}.");
    }

    /// <summary>Reads <c>conversation_capture</c>: <c>off</c>, <c>metadata</c> or <c>full</c> (the default when absent or null).</summary>
    private static ConversationCapture Capture(JsonElement parent, string path)
    {
        const string Name = "conversation_capture";
        if (!parent.TryGetProperty(Name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return OrgPolicy.None.ConversationCapture;
        }

        var param = Join(path, Name);
        return (value.ValueKind == JsonValueKind.String ? value.GetString() : null) switch
        {
            "off" => ConversationCapture.Off,
            "metadata" => ConversationCapture.Metadata,
            "full" => ConversationCapture.Full,
            _ => throw AdminErrors.Invalid(param, $"'{param}' must be one of: off, metadata, full."),
        };
    }

    private static bool? Flag(JsonElement parent, string path, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var param = Join(path, name);
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw AdminErrors.Invalid(param, $"'{param}' must be true or false."),
        };
    }

    private static QuotaLimits ReadLimits(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return QuotaLimits.None;
        }

        RequireObject(value, path);
        CheckFields(value, path, AdminJson.LimitFields);
        return new QuotaLimits
        {
            RequestsPerHour = PositiveInt64(value, path, "requests_per_hour"),
            TokensPerHour = PositiveInt64(value, path, "tokens_per_hour"),
            DailyUsd = PositiveUsd(value, path, "daily_usd"),
            MonthlyUsd = PositiveUsd(value, path, "monthly_usd"),
            DailyTokens = PositiveInt64(value, path, "daily_tokens"),
            MonthlyTokens = PositiveInt64(value, path, "monthly_tokens"),
        };
    }

    private static AccessRules ReadAccess(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return AccessRules.AllowAll;
        }

        RequireObject(value, path);
        CheckFields(value, path, AdminJson.AccessFields);
        return new AccessRules
        {
            AllowedProviders = Patterns(value, path, "allowed_providers", providers: true),
            AllowedModels = Patterns(value, path, "allowed_models", providers: false),
            DeniedModels = Patterns(value, path, "denied_models", providers: false),
        };
    }

    private static string[] Patterns(JsonElement parent, string path, string name, bool providers)
    {
        var param = Join(path, name);
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw AdminErrors.Invalid(param, $"'{param}' must be an array of strings.");
        }

        var patterns = new List<string>(value.GetArrayLength());
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemParam = $"{param}[{i++}]";
            var pattern = Text(item, itemParam, 128);
            if (pattern.Any(char.IsWhiteSpace))
            {
                throw AdminErrors.Invalid(itemParam, $"'{itemParam}' must not contain spaces.");
            }

            if (providers && !pattern.Contains('*', StringComparison.Ordinal) && !GatewayProviderExtensions.TryParseWireId(pattern, out _))
            {
                var known = string.Join(", ", Enum.GetValues<GatewayProvider>().Select(static p => p.ToWireId()));
                throw AdminErrors.Invalid(itemParam, $"'{itemParam}' names no provider ('{AdminErrors.Quote(pattern)}'); use one of {known}, or a '*' pattern.");
            }

            patterns.Add(pattern);
        }

        return [.. patterns];
    }

    private static long? PositiveInt64(JsonElement parent, string path, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var param = Join(path, name);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number > 0
            ? number
            : throw AdminErrors.Invalid(param, $"'{param}' must be a positive whole number, or null for no limit.");
    }

    private static decimal? PositiveUsd(JsonElement parent, string path, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        // Parsed as decimal straight from the JSON text: 0.1 is exactly 0.1, never a binary float.
        var param = Join(path, name);
        return value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var usd) && usd > 0 && usd <= 1_000_000_000m
            ? usd
            : throw AdminErrors.Invalid(param, $"'{param}' must be a positive amount in USD (a JSON number such as 25.50), or null for no limit.");
    }

    private static string Text(JsonElement value, string param, int maxLength)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw AdminErrors.Invalid(param, $"'{param}' must be a string.");
        }

        var text = value.GetString()!.Trim();
        if (text.Length == 0 || text.Length > maxLength || text.Any(char.IsControl))
        {
            throw AdminErrors.Invalid(param, $"'{param}' must be 1-{maxLength} characters without control characters.");
        }

        return text;
    }

    private static void RequireObject(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw AdminErrors.Invalid(path, $"'{path}' must be an object (or null).");
        }
    }

    private static void CheckFields(JsonElement value, string path, ReadOnlySpan<string> names)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            var param = Join(path, property.Name);
            if (!Contains(names, property.Name))
            {
                throw AdminErrors.Invalid(param, $"Unknown field '{AdminErrors.Quote(param)}'; expected one of: {string.Join(", ", names.ToArray())}.");
            }

            if (!seen.Add(property.Name))
            {
                throw AdminErrors.Invalid(param, $"The field '{param}' is given more than once.");
            }
        }
    }

    private static bool Contains(ReadOnlySpan<string> names, string name)
    {
        foreach (var candidate in names)
        {
            if (string.Equals(candidate, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private bool TryGet(string name, out JsonElement value)
    {
        if (_root.ValueKind == JsonValueKind.Object)
        {
            return _root.TryGetProperty(name, out value);
        }

        value = default;
        return false;
    }
}
