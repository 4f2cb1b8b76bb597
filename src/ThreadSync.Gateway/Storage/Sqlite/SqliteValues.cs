using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ThreadSync.Gateway.Storage.Sqlite;

/// <summary>How values are stored: times as UTC ticks, USD as invariant decimal text, nulls as SQL NULL.</summary>
internal static class SqliteValues
{
    public static void Set(this SqliteCommand command, int index, object? value) => command.Parameters[index].Value = value ?? DBNull.Value;

    public static long Ticks(DateTimeOffset value) => value.UtcTicks;

    public static object Ticks(DateTimeOffset? value) => value is { } v ? v.UtcTicks : DBNull.Value;

    public static DateTimeOffset Time(long ticks) => new(ticks, TimeSpan.Zero);

    public static string Usd(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    public static decimal Usd(string value) => decimal.Parse(value, NumberStyles.Number, CultureInfo.InvariantCulture);

    public static string? GetStringOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static DateTimeOffset GetTime(this SqliteDataReader reader, int ordinal) => Time(reader.GetInt64(ordinal));

    public static DateTimeOffset? GetTimeOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Time(reader.GetInt64(ordinal));
}
