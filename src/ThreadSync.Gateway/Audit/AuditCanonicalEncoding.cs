using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ThreadSync.Gateway.Audit;

/// <summary>
/// The canonical encoding of an <see cref="AuditRecord"/> and the chain's hash, exactly as <c>docs/audit.md</c>
/// specifies them for independent verifiers.
/// </summary>
/// <remarks>
/// <para>The encoding is the 8 ASCII bytes <c>TSAUDIT1</c> followed by 24 fields in a fixed order (sequence, time, kind,
/// correlation id, key id, org id, team id, endpoint, model, provider, route method, verdict, input tokens, output
/// tokens, cost, latency, status, fallback attempts, prompt hash, response hash, actor, action, target, details). A
/// missing value is the byte <c>0x00</c>; a value is <c>0x01</c>, its UTF-8 length as a 32-bit big-endian integer, and
/// its UTF-8 text. Numbers are invariant base-10 text; the time is UTC <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>; the cost is
/// plain decimal text without exponent or trailing zeros.</para>
/// <para>A record's hash is SHA-256 over the 32 bytes of the previous record's hash followed by the encoding.</para>
/// </remarks>
public static class AuditCanonicalEncoding
{
    /// <summary>The previous hash of the genesis record: 32 zero bytes, as hex.</summary>
    public const string GenesisPreviousHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The bytes every encoding starts with: the format and its version.</summary>
    public static ReadOnlySpan<byte> Magic => "TSAUDIT1"u8;

    /// <summary>The number of fields after <see cref="Magic"/>.</summary>
    public const int FieldCount = 24;

    private const byte Absent = 0x00;
    private const byte Present = 0x01;

    /// <summary>Encodes a record canonically.</summary>
    /// <param name="record">The record.</param>
    /// <returns>The encoding.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is <see langword="null"/>.</exception>
    public static byte[] Encode(AuditRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        Encode(record, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes a record's canonical encoding.</summary>
    /// <param name="record">The record.</param>
    /// <param name="destination">Where to write it.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static void Encode(AuditRecord record, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(Magic);
        Number(destination, record.Sequence);
        Text(destination, FormatTime(record.At));
        Text(destination, record.Kind);
        Text(destination, record.CorrelationId);
        Text(destination, record.KeyId);
        Text(destination, record.OrgId);
        Text(destination, record.TeamId);
        Text(destination, record.Endpoint);
        Text(destination, record.Model);
        Text(destination, record.Provider);
        Text(destination, record.RouteMethod);
        Text(destination, record.Verdict);
        Number(destination, record.InputTokens);
        Number(destination, record.OutputTokens);
        Text(destination, FormatCost(record.CostUsd));
        Number(destination, record.LatencyMs);
        Number(destination, record.StatusCode);
        Number(destination, record.FallbackAttempts);
        Text(destination, record.PromptSha256);
        Text(destination, record.ResponseSha256);
        Text(destination, record.Actor);
        Text(destination, record.Action);
        Text(destination, record.Target);
        Text(destination, record.Details);
    }

    /// <summary>Computes a record's hash: SHA-256 over the previous hash's 32 bytes and the record's encoding.</summary>
    /// <param name="previousHash">The previous record's hash (64 hex characters; <see cref="GenesisPreviousHash"/> for the genesis record).</param>
    /// <param name="record">The record (its own <see cref="AuditRecord.PreviousHash"/> and <see cref="AuditRecord.Hash"/> are not used).</param>
    /// <returns>The hash, 64 lowercase hex characters.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="previousHash"/> is not 64 hex characters.</exception>
    public static string ComputeHash(string previousHash, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(previousHash);
        Span<byte> previous = stackalloc byte[32];
        if (!TryParseHash(previousHash, previous))
        {
            throw new FormatException("The previous hash must be 64 hex characters.");
        }

        Span<byte> hash = stackalloc byte[32];
        ComputeHash(previous, record, new ArrayBufferWriter<byte>(512), hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Formats a time as the encoding does: UTC, microseconds, <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c> (finer digits are dropped).</summary>
    /// <param name="time">The time.</param>
    /// <returns>The text.</returns>
    public static string FormatTime(DateTimeOffset time) =>
        TruncateToMicroseconds(time).UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Formats a cost as the encoding does: plain decimal text, no exponent, no trailing zeros, <c>0</c> for zero.</summary>
    /// <param name="usd">The cost.</param>
    /// <returns>The text.</returns>
    public static string FormatCost(decimal usd) =>
        usd == 0m ? "0" : usd.ToString("0.############################", CultureInfo.InvariantCulture);

    /// <summary>Drops what is finer than a microsecond and converts to UTC: the time a store keeps and the encoding covers.</summary>
    /// <param name="time">The time.</param>
    /// <returns>The truncated UTC time.</returns>
    public static DateTimeOffset TruncateToMicroseconds(DateTimeOffset time)
    {
        var ticks = time.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }

    /// <summary>Parses a 64-character hex hash into 32 bytes.</summary>
    internal static bool TryParseHash(string? hex, Span<byte> destination) =>
        hex is { Length: 64 } && Convert.FromHexString(hex, destination, out _, out var written) == OperationStatus.Done && written == 32;

    /// <summary>Hashes <paramref name="previous"/> and the record's encoding into <paramref name="hash"/>, using <paramref name="scratch"/> (cleared first).</summary>
    internal static void ComputeHash(ReadOnlySpan<byte> previous, AuditRecord record, ArrayBufferWriter<byte> scratch, Span<byte> hash)
    {
        scratch.ResetWrittenCount();
        scratch.Write(previous);
        Encode(record, scratch);
        SHA256.HashData(scratch.WrittenSpan, hash);
    }

    private static void Number(IBufferWriter<byte> destination, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        value.TryFormat(digits, out var length, default, CultureInfo.InvariantCulture);
        Value(destination, digits[..length]);
    }

    private static void Text(IBufferWriter<byte> destination, string? value)
    {
        if (value is null)
        {
            destination.GetSpan(1)[0] = Absent;
            destination.Advance(1);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        var span = destination.GetSpan(5 + length);
        span[0] = Present;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
        Encoding.UTF8.GetBytes(value, span[5..]);
        destination.Advance(5 + length);
    }

    private static void Value(IBufferWriter<byte> destination, ReadOnlySpan<byte> utf8)
    {
        var span = destination.GetSpan(5 + utf8.Length);
        span[0] = Present;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)utf8.Length);
        utf8.CopyTo(span[5..]);
        destination.Advance(5 + utf8.Length);
    }
}
