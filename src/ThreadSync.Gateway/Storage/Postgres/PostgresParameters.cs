using Npgsql;
using NpgsqlTypes;

namespace ThreadSync.Gateway.Storage.Postgres;

/// <summary>Positional parameters for the stores' statements, typed so that nulls need no inference.</summary>
internal static class PostgresParameters
{
    /// <summary>A <c>text</c> parameter.</summary>
    /// <param name="value">The value, or <see langword="null"/>.</param>
    /// <returns>The parameter.</returns>
    public static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    /// <summary>A <c>timestamptz</c> parameter (Npgsql writes only UTC offsets to it).</summary>
    /// <param name="value">The value, or <see langword="null"/>.</param>
    /// <returns>The parameter.</returns>
    public static NpgsqlParameter Time(DateTimeOffset? value) => new()
    {
        NpgsqlDbType = NpgsqlDbType.TimestampTz,
        Value = value is { } time ? time.ToUniversalTime() : DBNull.Value,
    };

    /// <summary>A <c>bigint</c> parameter.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The parameter.</returns>
    public static NpgsqlParameter<long> Bigint(long value) => new() { TypedValue = value };

    /// <summary>An <c>integer</c> parameter.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The parameter.</returns>
    public static NpgsqlParameter<int> Integer(int value) => new() { TypedValue = value };

    /// <summary>A <c>numeric</c> parameter.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The parameter.</returns>
    public static NpgsqlParameter<decimal> Numeric(decimal value) => new() { TypedValue = value };

    /// <summary>A <c>bytea</c> parameter.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The parameter.</returns>
    public static NpgsqlParameter<byte[]> Bytes(byte[] value) => new() { TypedValue = value };
}
