using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

namespace ThreadSync.Gateway.Audit;

/// <summary>
/// Walks an audit chain record by record and names the first bad one: a modified record (its hash does not match), a
/// deleted one (a sequence gap), an inserted or reordered one (a repeated or backward sequence, or a previous hash that
/// is not the hash before it), kept content that no longer matches its hash, or an end that is not the recorded head.
/// </summary>
/// <remarks>
/// Feed records in the order they are stored or exported (<see cref="Add"/>), then call <see cref="Complete"/> or
/// <see cref="CompleteAgainstHead"/>. Memory stays constant however long the chain. A range that does not start at
/// the genesis record is checked from its first record on, trusting that record's previous hash.
/// </remarks>
public sealed class AuditChainVerifier
{
    private readonly bool _requireGenesis;
    private readonly ArrayBufferWriter<byte> _scratch = new(1024);
    private readonly byte[] _previous = new byte[32];
    private readonly byte[] _hash = new byte[32];
    private long _expected;
    private long _records;
    private AuditHead? _last;
    private AuditVerification? _failure;

    /// <summary>Initializes a new instance of the <see cref="AuditChainVerifier"/> class.</summary>
    /// <param name="requireGenesis">Whether the records must start with the genesis record (a whole chain); otherwise any range is accepted.</param>
    public AuditChainVerifier(bool requireGenesis = true)
    {
        _requireGenesis = requireGenesis;
    }

    /// <summary>Gets a value indicating whether a bad record was found.</summary>
    public bool Failed => _failure is not null;

    /// <summary>Verifies records from a stream (a store's or a JSON Lines export's) against an optional stored head.</summary>
    /// <param name="records">The records, in stored order.</param>
    /// <param name="requireGenesis">Whether the records must start with the genesis record.</param>
    /// <param name="cancellationToken">Cancels the walk.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="records"/> is <see langword="null"/>.</exception>
    public static async ValueTask<AuditVerification> VerifyAsync(IAsyncEnumerable<AuditRecord> records, bool requireGenesis = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var verifier = new AuditChainVerifier(requireGenesis);
        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!verifier.Add(record))
            {
                break;
            }
        }

        return verifier.Complete();
    }

    /// <summary>Checks the next record.</summary>
    /// <param name="record">The record, with its sequence, previous hash and hash.</param>
    /// <returns><see langword="false"/> once a bad record was found (later records are not checked).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is <see langword="null"/>.</exception>
    public bool Add(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_failure is not null)
        {
            return false;
        }

        var sequence = record.Sequence;
        if (_records == 0)
        {
            if (sequence == 0 || _requireGenesis)
            {
                _expected = 0;
                _previous.AsSpan().Clear();
            }
            else if (!AuditCanonicalEncoding.TryParseHash(record.PreviousHash, _previous))
            {
                return Fail(sequence, AuditFailure.PreviousHashMismatch, $"Record {N(sequence)} has no valid previous hash.");
            }
            else
            {
                _expected = sequence;
            }
        }

        if (sequence > _expected)
        {
            var missing = sequence - 1 == _expected ? $"record {N(_expected)} is" : $"records {N(_expected)} to {N(sequence - 1)} are";
            return Fail(_expected, AuditFailure.SequenceGap, $"The chain skips from {N(_expected - 1)} to {N(sequence)}: {missing} missing here (deleted, or moved).");
        }

        if (sequence < _expected)
        {
            return Fail(sequence, AuditFailure.UnexpectedSequence, $"Record {N(sequence)} comes after record {N(_expected - 1)}: a record was inserted, duplicated or moved.");
        }

        Span<byte> stated = stackalloc byte[32];
        if (!AuditCanonicalEncoding.TryParseHash(record.PreviousHash, stated) || !stated.SequenceEqual(_previous))
        {
            return Fail(sequence, AuditFailure.PreviousHashMismatch, sequence == 0
                ? "The genesis record is not chained to 32 zero bytes."
                : $"Record {N(sequence)} is not chained to record {N(sequence - 1)}: a record was inserted before it, or records were reordered.");
        }

        AuditCanonicalEncoding.ComputeHash(_previous, record, _scratch, _hash);
        if (!AuditCanonicalEncoding.TryParseHash(record.Hash, stated) || !stated.SequenceEqual(_hash))
        {
            return Fail(sequence, AuditFailure.HashMismatch, $"Record {N(sequence)} does not match its hash: it was modified.");
        }

        if (sequence == 0 && record.Kind != AuditKinds.Genesis)
        {
            return Fail(0, AuditFailure.InvalidGenesis, "Record 0 is not a genesis record.");
        }

        if (record.Content is { } content && (!Matches(content.Prompt, record.PromptSha256) || !Matches(content.Response, record.ResponseSha256)))
        {
            return Fail(sequence, AuditFailure.ContentMismatch, $"The content kept with record {N(sequence)} does not match its hashes: it was modified.");
        }

        _hash.CopyTo(_previous, 0);
        _last = new AuditHead(sequence, record.Hash!);
        _expected = sequence + 1;
        _records++;
        return true;
    }

    /// <summary>Ends the walk: the chain is valid if no record was bad.</summary>
    /// <returns>The outcome.</returns>
    public AuditVerification Complete() =>
        _failure ?? new AuditVerification { Valid = true, Records = _records, Head = _last };

    /// <summary>Ends the walk of a whole stored chain, which must end exactly at the head the store recorded.</summary>
    /// <param name="head">The stored head, or <see langword="null"/> when the store says the chain is empty.</param>
    /// <returns>The outcome.</returns>
    public AuditVerification CompleteAgainstHead(AuditHead? head)
    {
        if (_failure is not null)
        {
            return _failure;
        }

        var lastSequence = _last?.Sequence ?? -1;
        var headSequence = head?.Sequence ?? -1;
        if (headSequence > lastSequence)
        {
            Fail(lastSequence + 1, AuditFailure.SequenceGap, $"The chain ends at {N(lastSequence)} but its head is {N(headSequence)}: the records after {N(lastSequence)} are missing (deleted).");
        }
        else if (headSequence < lastSequence)
        {
            Fail(headSequence + 1, AuditFailure.UnexpectedSequence, $"Records follow the chain's head ({N(headSequence)}): they were added outside the gateway.");
        }
        else if (head is not null && !string.Equals(head.Hash, _last!.Hash, StringComparison.OrdinalIgnoreCase))
        {
            Fail(headSequence, AuditFailure.HeadMismatch, $"Record {N(headSequence)} is not the head the store recorded: the end of the chain was replaced.");
        }

        return Complete();
    }

    private static bool Matches(byte[]? content, string? hash)
    {
        if (content is null)
        {
            return true;
        }

        Span<byte> actual = stackalloc byte[32];
        Span<byte> stated = stackalloc byte[32];
        SHA256.HashData(content, actual);
        return AuditCanonicalEncoding.TryParseHash(hash, stated) && stated.SequenceEqual(actual);
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private bool Fail(long sequence, AuditFailure failure, string detail)
    {
        _failure = new AuditVerification { Valid = false, Records = _records, Head = _last, FirstBadSequence = sequence, Failure = failure, Detail = detail };
        return false;
    }
}
