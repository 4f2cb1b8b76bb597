using System.Globalization;
using Microsoft.AspNetCore.Http;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Hosting.Admin;

/// <summary>Query-string parameters of the admin API, validated with 400 <c>invalid_parameter</c> naming the parameter.</summary>
internal static class AdminQuery
{
    /// <summary>Gets a parameter given at most once; <see langword="null"/> when absent or empty.</summary>
    public static string? Get(HttpRequest request, string name)
    {
        if (!request.Query.TryGetValue(name, out var values) || values.Count == 0)
        {
            return null;
        }

        if (values.Count > 1)
        {
            throw AdminErrors.Invalid(name, $"'{name}' is given more than once.");
        }

        return string.IsNullOrEmpty(values[0]) ? null : values[0];
    }

    /// <summary>Gets an id filter (<c>org_id</c>, <c>team_id</c>, <c>key_id</c>).</summary>
    public static string? Id(HttpRequest request, string name)
    {
        var id = Get(request, name);
        return id is null || GatewayKeys.IsValidId(id)
            ? id
            : throw AdminErrors.Invalid(name, $"'{name}' must be 1-64 characters of a-z, 0-9, '-' and '_'.");
    }

    /// <summary>Gets a whole number within a range, or the default when absent.</summary>
    public static int Int32(HttpRequest request, string name, int defaultValue, int min, int max)
    {
        var text = Get(request, name);
        if (text is null)
        {
            return defaultValue;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw AdminErrors.Invalid(name, $"'{name}' must be a whole number from {min} to {max}.");
    }

    /// <summary>
    /// Gets an ISO 8601 time: a date (<c>2026-01-31</c>, midnight UTC) or a date and time with <c>Z</c> or an offset
    /// (<c>2026-01-31T12:00:00Z</c>, <c>2026-01-31T14:00:00+02:00</c>); a time without an offset is UTC.
    /// </summary>
    public static DateTimeOffset? Time(HttpRequest request, string name)
    {
        var text = Get(request, name);
        if (text is null)
        {
            return null;
        }

        // An unencoded '+' of an offset arrives as a space.
        text = text.Replace(' ', '+');
        if (text.Length == 10 && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        if (text.Length > 10 && text[10] == 'T' && char.IsAsciiDigit(text[0])
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }

        throw AdminErrors.Invalid(name, $"'{name}' must be an ISO 8601 date or time, such as 2026-01-31 or 2026-01-31T12:00:00Z.");
    }

    /// <summary>Reads the usage filters: <c>from</c> (inclusive), <c>to</c> (exclusive), <c>org_id</c>, <c>team_id</c>, <c>key_id</c>, <c>model</c>.</summary>
    public static UsageFilter UsageFilter(HttpRequest request)
    {
        var from = Time(request, "from");
        var to = Time(request, "to");
        if (from is not null && to is not null && from >= to)
        {
            throw AdminErrors.Invalid("to", "'to' must be after 'from' ('to' is exclusive).");
        }

        var model = Get(request, "model");
        if (model is not null && (model.Length > 128 || model.Any(char.IsControl)))
        {
            throw AdminErrors.Invalid("model", "'model' must be a model id of at most 128 characters.");
        }

        return new UsageFilter
        {
            From = from,
            To = to,
            OrgId = Id(request, "org_id"),
            TeamId = Id(request, "team_id"),
            KeyId = Id(request, "key_id"),
            Model = model,
        };
    }
}
