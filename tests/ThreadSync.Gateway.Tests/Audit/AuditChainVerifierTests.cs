using ThreadSync.Gateway.Audit;

namespace ThreadSync.Gateway.Tests.Audit;

/// <summary>The verifier on chains built in memory: what counts as a whole chain, a range, and a bad genesis.</summary>
public sealed class AuditChainVerifierTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 14, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Verify_AChainBuiltByTheSpec_IsValid_AndItsHeadIsTheLastRecord()
    {
        var chain = Build(5);
        var verifier = new AuditChainVerifier();

        Assert.All(chain, r => Assert.True(verifier.Add(r)));

        Assert.Equal(new AuditVerification { Valid = true, Records = 6, Head = new AuditHead(5, chain[^1].Hash!) }, verifier.Complete());
        Assert.True(new AuditChainVerifier().CompleteAgainstHead(null).Valid);
    }

    [Fact]
    public void Verify_AWholeChainWithoutItsGenesis_IsMissingRecordZero()
    {
        var verifier = new AuditChainVerifier();

        Assert.False(verifier.Add(Build(5)[1]));

        Assert.Equal((0L, AuditFailure.SequenceGap), (verifier.Complete().FirstBadSequence!.Value, verifier.Complete().Failure!.Value));
    }

    [Fact]
    public void Verify_ARange_StartsFromItsFirstRecord()
    {
        var verifier = new AuditChainVerifier(requireGenesis: false);

        Assert.All(Build(5).Skip(2), r => Assert.True(verifier.Add(r)));

        Assert.Equal(4, verifier.Complete().Records);
    }

    [Fact]
    public void Verify_RecordZeroThatIsNotAGenesis_IsRefused()
    {
        var fake = new AuditRecord { Sequence = 0, At = T0, Kind = AuditKinds.Admin, PreviousHash = AuditCanonicalEncoding.GenesisPreviousHash };
        fake = fake with { Hash = AuditCanonicalEncoding.ComputeHash(fake.PreviousHash!, fake) };
        var verifier = new AuditChainVerifier();

        Assert.False(verifier.Add(fake));

        Assert.Equal(AuditFailure.InvalidGenesis, verifier.Complete().Failure);
    }

    [Fact]
    public void CompleteAgainstHead_AHeadPastTheLastRecord_MeansTheEndWasCut()
    {
        var chain = Build(3);
        var verifier = new AuditChainVerifier();
        Assert.All(chain.Take(3), r => Assert.True(verifier.Add(r)));

        var result = verifier.CompleteAgainstHead(new AuditHead(3, chain[3].Hash!));

        Assert.Equal((3L, AuditFailure.SequenceGap, 2L), (result.FirstBadSequence!.Value, result.Failure!.Value, result.Head!.Sequence));
    }

    [Fact]
    public void CompleteAgainstHead_AnotherHashAtTheHead_MeansTheEndWasReplaced()
    {
        var chain = Build(3);
        var verifier = new AuditChainVerifier();
        Assert.All(chain, r => Assert.True(verifier.Add(r)));

        var result = verifier.CompleteAgainstHead(new AuditHead(3, chain[2].Hash!));

        Assert.Equal((3L, AuditFailure.HeadMismatch), (result.FirstBadSequence!.Value, result.Failure!.Value));
    }

    /// <summary>A genesis record and <paramref name="count"/> records after it, chained by the spec.</summary>
    private static List<AuditRecord> Build(int count)
    {
        var previous = AuditCanonicalEncoding.GenesisPreviousHash;
        var chain = new List<AuditRecord>();
        for (var i = 0; i <= count; i++)
        {
            var record = new AuditRecord
            {
                Sequence = i,
                At = T0.AddSeconds(i),
                Kind = i == 0 ? AuditKinds.Genesis : AuditKinds.Inference,
                CorrelationId = i == 0 ? null : $"r{i}",
                PreviousHash = previous,
            };
            record = record with { Hash = AuditCanonicalEncoding.ComputeHash(previous, record) };
            chain.Add(record);
            previous = record.Hash!;
        }

        return chain;
    }
}
