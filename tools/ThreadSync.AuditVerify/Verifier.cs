using System.Globalization;
using Microsoft.Data.Sqlite;
using ThreadSync.Gateway.Audit;
using ThreadSync.Gateway.Storage;
using ThreadSync.Gateway.Storage.Postgres;
using ThreadSync.Gateway.Storage.Sqlite;

namespace ThreadSync.AuditVerify;

/// <summary>The command line: <c>--sqlite &lt;file&gt;</c>, <c>--postgres &lt;connection string&gt;</c> or <c>--jsonl &lt;file|-&gt;</c>.</summary>
public static class Verifier
{
    public const int Valid = 0;
    public const int Invalid = 1;
    public const int Error = 2;

    public const string Usage = """
        Verifies a ThreadSync audit chain and names its first bad record.

          ThreadSync.AuditVerify --sqlite <file>                 the gateway's SQLite database (threadsync.db)
          ThreadSync.AuditVerify --postgres <connection string>  the gateway's PostgreSQL database
          ThreadSync.AuditVerify --jsonl <file|->                an export (GET /admin/v1/audit/export); - reads stdin

        Options:
          --expect-head <sequence>:<hash>   also require the chain to contain this head (one published earlier)

        Exit code: 0 valid, 1 invalid, 2 bad arguments or unreadable input.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        string? source = null, target = null;
        AuditHead? expectedHead = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--sqlite" or "--postgres" or "--jsonl" when i + 1 < args.Length && source is null:
                    source = args[i];
                    target = args[++i];
                    break;
                case "--expect-head" when i + 1 < args.Length && TryParseHead(args[i + 1], out var head):
                    expectedHead = head;
                    i++;
                    break;
                case "-h" or "--help":
                    await output.WriteLineAsync(Usage);
                    return Valid;
                default:
                    await error.WriteLineAsync(Usage);
                    return Error;
            }
        }

        if (source is null || string.IsNullOrWhiteSpace(target))
        {
            await error.WriteLineAsync(Usage);
            return Error;
        }

        AuditVerification result;
        try
        {
            result = source switch
            {
                "--sqlite" => await VerifyStoreAsync(OpenSqlite(target), cancellationToken),
                "--postgres" => await VerifyStoreAsync(PostgresStores.OpenExisting(target, TimeProvider.System), cancellationToken),
                _ => await VerifyJsonLinesAsync(target, cancellationToken),
            };
        }
        catch (Exception ex) when (ex is IOException or FormatException or InvalidOperationException or ArgumentException or UnauthorizedAccessException or SqliteException or Npgsql.NpgsqlException)
        {
            await error.WriteLineAsync($"Could not read the chain: {ex.Message}");
            return Error;
        }

        if (result.Valid && expectedHead is not null && !await ContainsAsync(source, target, expectedHead, result, cancellationToken))
        {
            result = result with
            {
                Valid = false,
                FirstBadSequence = expectedHead.Sequence,
                Failure = AuditFailure.HeadMismatch,
                Detail = $"The chain does not contain the expected head {expectedHead.Sequence.ToString(CultureInfo.InvariantCulture)}:{expectedHead.Hash}: records up to it were rewritten or removed.",
            };
        }

        await output.WriteLineAsync(Describe(result));
        return result.Valid ? Valid : Invalid;
    }

    public static string Describe(AuditVerification result)
    {
        if (result.Valid)
        {
            return result.Head is { } head
                ? $"valid: {result.Records.ToString(CultureInfo.InvariantCulture)} records, head {head.Sequence.ToString(CultureInfo.InvariantCulture)} {head.Hash}"
                : "valid: the chain is empty";
        }

        return $"INVALID: first bad record {result.FirstBadSequence!.Value.ToString(CultureInfo.InvariantCulture)} ({result.Reason}): {result.Detail}";
    }

    private static bool TryParseHead(string text, out AuditHead? head)
    {
        head = null;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) || text.Length - colon - 1 != 64)
        {
            return false;
        }

        head = new AuditHead(sequence, text[(colon + 1)..].ToLowerInvariant());
        return true;
    }

    private static GatewayStores OpenSqlite(string path)
    {
        if (!File.Exists(path))
        {
            throw new IOException($"No SQLite database at '{path}'.");
        }

        // ReadWrite never creates a file (WAL readers need the shared-memory file); the schema is never migrated.
        var connection = new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(path), Mode = SqliteOpenMode.ReadWrite };
        return SqliteStores.OpenExisting(connection.ToString(), TimeProvider.System);
    }

    private static async Task<AuditVerification> VerifyStoreAsync(GatewayStores stores, CancellationToken cancellationToken)
    {
        await using (stores)
        {
            return await stores.Audit.VerifyAsync(cancellationToken);
        }
    }

    private static async Task<AuditVerification> VerifyJsonLinesAsync(string path, CancellationToken cancellationToken)
    {
        var stream = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
        await using (stream)
        {
            // An export of a range (from_sequence > 0) is checked from its first record on.
            return await AuditChainVerifier.VerifyAsync(AuditJsonLines.ReadAsync(stream, cancellationToken), requireGenesis: false, cancellationToken);
        }
    }

    private static async Task<bool> ContainsAsync(string source, string target, AuditHead expected, AuditVerification result, CancellationToken cancellationToken)
    {
        if (result.Head is null || expected.Sequence > result.Head.Sequence)
        {
            return false;
        }

        if (source == "--jsonl")
        {
            if (target == "-")
            {
                // stdin was consumed; only the last record can be compared.
                return expected.Sequence == result.Head.Sequence && expected.Hash == result.Head.Hash;
            }

            await using var stream = File.OpenRead(target);
            await foreach (var record in AuditJsonLines.ReadAsync(stream, cancellationToken))
            {
                if (record.Sequence == expected.Sequence)
                {
                    return record.Hash == expected.Hash;
                }
            }

            return false;
        }

        var stores = source == "--sqlite" ? OpenSqlite(target) : PostgresStores.OpenExisting(target, TimeProvider.System);
        await using (stores)
        {
            await foreach (var record in stores.Audit.ReadAsync(expected.Sequence, expected.Sequence, cancellationToken: cancellationToken))
            {
                return record.Hash == expected.Hash;
            }

            return false;
        }
    }
}
