using System.Buffers;

namespace ThreadSync.Gateway.Audit.Internal;

/// <summary>
/// Chains a batch onto a head inside the committing transaction: numbers the records on from the head, sets each one's
/// previous hash and hash, and makes the genesis record first when the chain is empty. Used by one writer at a time.
/// </summary>
internal sealed class AuditBatchChainer
{
    private readonly ArrayBufferWriter<byte> _scratch = new(2048);

    /// <summary>Chains <paramref name="batch"/> after the head (<paramref name="headSequence"/> -1: empty chain).</summary>
    /// <param name="headSequence">The head's sequence, or -1 when the chain is empty.</param>
    /// <param name="headHash">The head's hash (ignored when empty).</param>
    /// <param name="batch">The records, in queue order.</param>
    /// <param name="now">The genesis record's time, if one is needed.</param>
    /// <returns>The genesis record to insert first, or <see langword="null"/>.</returns>
    public PendingAuditAppend? Chain(long headSequence, byte[] headHash, IReadOnlyList<PendingAuditAppend> batch, DateTimeOffset now)
    {
        PendingAuditAppend? genesis = null;
        var previous = headHash;
        var sequence = headSequence;
        if (headSequence < 0)
        {
            genesis = new PendingAuditAppend(new AuditRecord { At = now, Kind = AuditKinds.Genesis });
            previous = new byte[32];
            sequence = -1;
            previous = Link(genesis, ++sequence, previous);
        }

        foreach (var pending in batch)
        {
            previous = Link(pending, ++sequence, previous);
        }

        return genesis;
    }

    private byte[] Link(PendingAuditAppend pending, long sequence, byte[] previous)
    {
        var record = pending.Record with
        {
            Sequence = sequence,
            At = AuditCanonicalEncoding.TruncateToMicroseconds(pending.Record.At),
            PreviousHash = Convert.ToHexStringLower(previous),
            Content = pending.Record.Content is { } content ? content with { ExpiresAt = AuditCanonicalEncoding.TruncateToMicroseconds(content.ExpiresAt) } : null,
        };
        var hash = new byte[32];
        AuditCanonicalEncoding.ComputeHash(previous, record, _scratch, hash);
        pending.Record = record with { Hash = Convert.ToHexStringLower(hash) };
        pending.PreviousHash = previous;
        pending.Hash = hash;
        return hash;
    }
}
