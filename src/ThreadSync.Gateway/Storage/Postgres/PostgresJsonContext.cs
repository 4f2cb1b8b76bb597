using System.Text.Json.Serialization;
using ThreadSync.Gateway.Governance;

namespace ThreadSync.Gateway.Storage.Postgres;

/// <summary>Source-generated JSON for the <c>jsonb</c> columns of the PostgreSQL store (limits, access rules, org policies, app clients' origins).</summary>
/// <remarks>Computed properties (<c>Any</c>, <c>IsRestrictive</c>) are left out; unset limits are left out.</remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    IgnoreReadOnlyProperties = true,
    Converters = new[] { typeof(JsonStringEnumConverter<ConversationCapture>) })]
[JsonSerializable(typeof(QuotaLimits))]
[JsonSerializable(typeof(AccessRules))]
[JsonSerializable(typeof(OrgPolicy))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class PostgresJsonContext : JsonSerializerContext;
