using System.Text.Json.Serialization;
using ThreadSync.Gateway.Governance;

namespace ThreadSync.Gateway.Storage.Sqlite;

/// <summary>Source-generated JSON for the values the SQLite stores keep as JSON text: limits, policies, access rules, reservation scopes and app clients' origins.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    IgnoreReadOnlyProperties = true,
    Converters = new[] { typeof(JsonStringEnumConverter<ConversationCapture>) })]
[JsonSerializable(typeof(QuotaLimits))]
[JsonSerializable(typeof(OrgPolicy))]
[JsonSerializable(typeof(AccessRules))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class SqliteJsonContext : JsonSerializerContext;
