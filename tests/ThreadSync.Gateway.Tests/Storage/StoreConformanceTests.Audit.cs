using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ThreadSync.Gateway.Audit;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Gateway.Tests.Storage;

/// <summary>
/// The audit chain: group-committed appends numbered without gaps from a genesis record, one chain for several store
/// instances on one database, verification that names the first bad record for every way of tampering with the
/// stored rows, and content kept beside the chain and purged without breaking it.
/// </summary>
public abstract partial class StoreConformanceTests
{
    /// <summary>Runs SQL straight on the database of <paramref name="stores"/>, as someone with database access would.</summary>
    protected abstract Task ExecuteSqlAsync(GatewayStores stores, string sql);

    /// <summary>A binary literal in the backend's SQL (<c>X'00ff'</c>, <c>'\x00ff'::bytea</c>).</summary>
    protected abstract string BlobLiteral(string hex);

    /// <summary>Opens another store instance on the same database, as another process or server would.</summary>
    protected abstract Task<GatewayStores> OpenAnotherInstanceAsync(GatewayStores stores, AuditDurability auditDurability = AuditDurability.Synced);

    [Fact]
    public async Task AuditAppend_NumbersFromAGenesisRecord_AndReadsBackEveryField()
    {
        var (stores, _) = await StartAsync();
        Assert.Null(await stores.Audit.GetHeadAsync(Ct));
        Assert.Equal(new AuditVerification { Valid = true, Records = 0 }, await stores.Audit.VerifyAsync(Ct));

        var appended = new[]
        {
            Inference("c1") with { At = T0.AddTicks(1_234_567), CostUsd = 0.0000000375m, Model = "gpt-4o", Provider = "openai", RouteMethod = "pinned", FallbackAttempts = 2 },
            Inference("c2") with { KeyId = null, OrgId = null, TeamId = null, Verdict = UsageVerdicts.Unauthenticated, StatusCode = 401, CostUsd = 1.50m, PromptSha256 = null, ResponseSha256 = null },
            new AuditRecord { At = T0.AddMinutes(1), Kind = AuditKinds.Admin, CorrelationId = "c3", Endpoint = "/admin/v1/orgs", Verdict = "ok", StatusCode = 201, Actor = "admin:configured-key", Action = "org.create", Target = "acme", Details = """{"name":"Ácme ☃"}""" },
        };
        var heads = new List<AuditHead>();
        foreach (var record in appended)
        {
            heads.Add(await stores.Audit.AppendAsync(record, Ct));
        }

        Assert.Equal([1L, 2L, 3L], heads.Select(h => h.Sequence));
        var chain = await ReadChainAsync(stores);
        Assert.Equal(4, chain.Count);
        var genesis = chain[0];
        Assert.Equal(0, genesis.Sequence);
        Assert.Equal(AuditKinds.Genesis, genesis.Kind);
        Assert.Equal(AuditCanonicalEncoding.GenesisPreviousHash, genesis.PreviousHash);
        Assert.Equal(AuditCanonicalEncoding.ComputeHash(genesis.PreviousHash!, genesis), genesis.Hash);
        for (var i = 1; i < chain.Count; i++)
        {
            var expected = appended[i - 1] with
            {
                Sequence = i,
                At = AuditCanonicalEncoding.TruncateToMicroseconds(appended[i - 1].At),
                PreviousHash = chain[i - 1].Hash,
                Hash = heads[i - 1].Hash,
            };
            Assert.Equal(expected, chain[i] with { CostUsd = expected.CostUsd });
            Assert.Equal(AuditCanonicalEncoding.FormatCost(expected.CostUsd), AuditCanonicalEncoding.FormatCost(chain[i].CostUsd));
            Assert.Equal(AuditCanonicalEncoding.ComputeHash(chain[i - 1].Hash!, chain[i]), chain[i].Hash);
        }

        Assert.Equal(heads[^1], await stores.Audit.GetHeadAsync(Ct));
        Assert.Equal(new AuditVerification { Valid = true, Records = 4, Head = heads[^1] }, await stores.Audit.VerifyAsync(Ct));
        Assert.Equal([chain[2], chain[3]], await ReadChainAsync(stores, from: 2, to: 3));
    }

    [Fact]
    public async Task AuditAppend_ManyConcurrentAppenders_MakeOneGapFreeChain()
    {
        var (stores, _) = await StartAsync();

        var heads = await RaceAsync(300, i => stores.Audit.AppendAsync(Inference($"r{i}"), Ct).AsTask());

        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long)i), heads.Select(h => h.Sequence).Order());
        var chain = await ReadChainAsync(stores);
        Assert.Equal(Enumerable.Range(0, 301).Select(i => (long)i), chain.Select(r => r.Sequence));
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"r{i}").Order(), chain.Skip(1).Select(r => r.CorrelationId!).Order());
        foreach (var head in heads)
        {
            Assert.Equal(head.Hash, chain[(int)head.Sequence].Hash);
        }

        Assert.True((await stores.Audit.VerifyAsync(Ct)).Valid);
    }

    [Fact]
    public async Task AuditAppend_TwoInstancesOnOneDatabase_ExtendOneChainWithoutGapsOrForks()
    {
        var (first, _) = await StartAsync();
        var second = await OpenAnotherInstanceAsync(first);
        var instances = new[] { first, second };

        // Several rounds, so batches of the two writers interleave many times.
        for (var round = 0; round < 4; round++)
        {
            await RaceAsync(200, i => instances[i % 2].Audit.AppendAsync(Inference($"r{round}-{i}") with { Endpoint = $"instance-{i % 2}" }, Ct).AsTask());
        }

        var chain = await ReadChainAsync(second);
        Assert.Equal(Enumerable.Range(0, 801).Select(i => (long)i), chain.Select(r => r.Sequence));
        Assert.Equal(800, chain.Skip(1).Select(r => r.CorrelationId).Distinct().Count());
        Assert.Equal(400, chain.Count(r => r.Endpoint == "instance-0"));
        Assert.Single(chain, r => r.Kind == AuditKinds.Genesis);
        var verification = await first.Audit.VerifyAsync(Ct);
        Assert.True(verification.Valid, verification.Detail);
        Assert.Equal(801, verification.Records);
        Assert.Equal(verification.Head, await second.Audit.GetHeadAsync(Ct));
    }

    [Fact]
    public async Task AuditAppend_AcknowledgedAtCommit_ExtendsTheSameChainAsSyncedAppends()
    {
        var (synced, _) = await StartAsync();
        var committed = await OpenAnotherInstanceAsync(synced, AuditDurability.Committed);
        var instances = new[] { synced, committed };

        var heads = await RaceAsync(200, i => instances[i % 2].Audit.AppendAsync(Inference($"r{i}") with { Endpoint = $"instance-{i % 2}" }, Ct).AsTask());

        // An acknowledged append is committed: every head handed out is in the chain, whichever instance reads it.
        var chain = await ReadChainAsync(synced);
        Assert.Equal(Enumerable.Range(0, 201).Select(i => (long)i), chain.Select(r => r.Sequence));
        Assert.Equal(100, chain.Count(r => r.Endpoint == "instance-1"));
        foreach (var head in heads)
        {
            Assert.Equal(head.Hash, chain[(int)head.Sequence].Hash);
        }

        var verification = await committed.Audit.VerifyAsync(Ct);
        Assert.True(verification.Valid, verification.Detail);
        Assert.Equal(201, verification.Records);
    }

    [Fact]
    public async Task AuditVerify_ModifiedRecord_IsNamedAsHashMismatch()
    {
        var stores = await StartWithChainAsync(8);

        await ExecuteSqlAsync(stores, "UPDATE audit_chain SET model = 'gpt-cheaper' WHERE seq = 5");

        AssertBad(await stores.Audit.VerifyAsync(Ct), 5, AuditFailure.HashMismatch);
    }

    [Fact]
    public async Task AuditVerify_ModifiedRecordWithItsHashRecomputed_IsCaughtAtTheNextRecord()
    {
        var stores = await StartWithChainAsync(8);
        var chain = await ReadChainAsync(stores);
        var forged = chain[5] with { CostUsd = 0m };
        var hash = AuditCanonicalEncoding.ComputeHash(chain[4].Hash!, forged);

        await ExecuteSqlAsync(stores, $"UPDATE audit_chain SET cost_usd = '0', hash = {BlobLiteral(hash)} WHERE seq = 5");

        AssertBad(await stores.Audit.VerifyAsync(Ct), 6, AuditFailure.PreviousHashMismatch);
    }

    [Fact]
    public async Task AuditVerify_DeletedRecord_IsNamedAsTheMissingSequence()
    {
        var stores = await StartWithChainAsync(8);

        await ExecuteSqlAsync(stores, "DELETE FROM audit_chain WHERE seq = 4");

        AssertBad(await stores.Audit.VerifyAsync(Ct), 4, AuditFailure.SequenceGap);
    }

    [Fact]
    public async Task AuditVerify_DeletedRecordsRenumbered_AreCaughtWhereTheChainBreaks()
    {
        var stores = await StartWithChainAsync(8);

        await ExecuteSqlAsync(stores, "DELETE FROM audit_chain WHERE seq = 4");
        await ExecuteSqlAsync(stores, "UPDATE audit_chain SET seq = -seq WHERE seq > 4");
        await ExecuteSqlAsync(stores, "UPDATE audit_chain SET seq = -seq - 1 WHERE seq < 0");

        AssertBad(await stores.Audit.VerifyAsync(Ct), 4, AuditFailure.PreviousHashMismatch);
    }

    [Fact]
    public async Task AuditVerify_DeletedLastRecord_IsCaughtByTheHead()
    {
        var stores = await StartWithChainAsync(8);

        await ExecuteSqlAsync(stores, "DELETE FROM audit_chain WHERE seq = 8");

        AssertBad(await stores.Audit.VerifyAsync(Ct), 8, AuditFailure.SequenceGap);
    }

    [Fact]
    public async Task AuditVerify_InsertedRecord_IsNamed()
    {
        var stores = await StartWithChainAsync(8);

        // Make room at 3 (sequences are unique), then copy what was record 3 back there with another verdict.
        await ShiftUpFromAsync(stores, 3);
        await ExecuteSqlAsync(stores, $"INSERT INTO audit_chain ({AuditColumns}) SELECT {AuditColumns.Replace("seq, ", "3, ", StringComparison.Ordinal).Replace("verdict", "'forbidden'", StringComparison.Ordinal)} FROM audit_chain WHERE seq = 4");

        AssertBad(await stores.Audit.VerifyAsync(Ct), 3, AuditFailure.HashMismatch);
    }

    [Fact]
    public async Task AuditVerify_InsertedRecordWithAValidHash_IsCaughtAtTheRecordAfterIt()
    {
        var stores = await StartWithChainAsync(8);
        var chain = await ReadChainAsync(stores);

        // A forger who knows the encoding chains a record properly onto record 2; record 3 still names record 2 as its predecessor.
        var forged = chain[2] with { Sequence = 3, CorrelationId = "forged" };
        var hash = AuditCanonicalEncoding.ComputeHash(chain[2].Hash!, forged);
        await ShiftUpFromAsync(stores, 3);
        await ExecuteSqlAsync(stores, $"INSERT INTO audit_chain ({AuditColumns}) SELECT {AuditColumns.Replace("seq, ", "3, ", StringComparison.Ordinal).Replace("correlation_id", "'forged'", StringComparison.Ordinal).Replace("prev_hash, hash", $"{BlobLiteral(chain[2].Hash!)}, {BlobLiteral(hash)}", StringComparison.Ordinal)} FROM audit_chain WHERE seq = 2");

        AssertBad(await stores.Audit.VerifyAsync(Ct), 4, AuditFailure.PreviousHashMismatch);
    }

    [Fact]
    public async Task AuditVerify_SwappedRecords_AreNamedAtTheFirstMovedOne()
    {
        var stores = await StartWithChainAsync(8);

        await ExecuteSqlAsync(stores, "UPDATE audit_chain SET seq = -1 WHERE seq = 3");
        await ExecuteSqlAsync(stores, "UPDATE audit_chain SET seq = 3 WHERE seq = 6");
        await ExecuteSqlAsync(stores, "UPDATE audit_chain SET seq = 6 WHERE seq = -1");

        AssertBad(await stores.Audit.VerifyAsync(Ct), 3, AuditFailure.PreviousHashMismatch);
    }

    [Fact]
    public async Task AuditVerify_RecordAddedAfterTheHead_IsNamed()
    {
        var stores = await StartWithChainAsync(8);

        await ExecuteSqlAsync(stores, $"INSERT INTO audit_chain ({AuditColumns}) SELECT {AuditColumns.Replace("seq, ", "9, ", StringComparison.Ordinal)} FROM audit_chain WHERE seq = 8");

        AssertBad(await stores.Audit.VerifyAsync(Ct), 9, AuditFailure.PreviousHashMismatch);
    }

    [Fact]
    public async Task AuditContent_IsKeptBesideTheChain_CheckedByVerify_AndPurgedWithoutBreakingIt()
    {
        var (stores, _) = await StartAsync();
        var prompt = Encoding.UTF8.GetBytes("""{"messages":[{"role":"user","content":"secret plans"}]}""");
        var response = Encoding.UTF8.GetBytes("""{"content":"here they are"}""");
        await stores.Audit.AppendAsync(Inference("plain"), Ct);
        await stores.Audit.AppendAsync(WithContent(Inference("kept-briefly"), prompt, response, T0.AddDays(1)), Ct);
        await stores.Audit.AppendAsync(WithContent(Inference("kept-long"), prompt, null, T0.AddDays(30)), Ct);

        var chain = await ReadChainAsync(stores, content: true);
        Assert.Null(chain[1].Content);
        Assert.Equal(prompt, chain[2].Content!.Prompt);
        Assert.Equal(response, chain[2].Content!.Response);
        Assert.Equal(T0.AddDays(1), chain[2].Content!.ExpiresAt);
        Assert.Null(chain[3].Content!.Response);
        Assert.All(await ReadChainAsync(stores), r => Assert.Null(r.Content));
        Assert.True((await stores.Audit.VerifyAsync(Ct)).Valid);

        await ExecuteSqlAsync(stores, $"UPDATE audit_content SET prompt = {BlobLiteral(Convert.ToHexStringLower(Encoding.UTF8.GetBytes("{}")))} WHERE seq = 2");
        AssertBad(await stores.Audit.VerifyAsync(Ct), 2, AuditFailure.ContentMismatch);

        Assert.Equal(0, await stores.Audit.PurgeContentAsync(T0.AddHours(23), Ct));
        Assert.Equal(1, await stores.Audit.PurgeContentAsync(T0.AddDays(1), Ct));

        chain = await ReadChainAsync(stores, content: true);
        Assert.Null(chain[2].Content);
        Assert.NotNull(chain[3].Content);
        var verification = await stores.Audit.VerifyAsync(Ct);
        Assert.True(verification.Valid, verification.Detail);
        Assert.Equal(4, verification.Records);
        Assert.Equal(1, await stores.Audit.PurgeContentAsync(T0.AddDays(31), Ct));
        Assert.True((await stores.Audit.VerifyAsync(Ct)).Valid);
    }

    [Fact]
    public async Task AuditListLatest_ReturnsOneKindNewestFirst()
    {
        var (stores, _) = await StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await stores.Audit.AppendAsync(i % 2 == 0 ? Inference($"i{i}") : Inference($"a{i}") with { Kind = AuditKinds.Admin, Action = "org.create" }, Ct);
        }

        Assert.Equal(["a3", "a1"], (await stores.Audit.ListLatestAsync(AuditKinds.Admin, 10, Ct)).Select(r => r.CorrelationId));
        Assert.Equal(["i4", "i2"], (await stores.Audit.ListLatestAsync(AuditKinds.Inference, 2, Ct)).Select(r => r.CorrelationId));
        Assert.Empty(await stores.Audit.ListLatestAsync("nonsense", 10, Ct));
    }

    [Fact]
    public async Task AuditExport_AsJsonLines_VerifiesOffline_AndTamperingShows()
    {
        var stores = await StartWithChainAsync(6);
        await stores.Audit.AppendAsync(WithContent(Inference("with-content"), [1, 2, 3], [4, 5], T0.AddDays(1)), Ct);
        var lines = new List<string>();
        await foreach (var record in stores.Audit.ReadAsync(includeContent: true, cancellationToken: Ct))
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                AuditJsonLines.Write(writer, record);
            }

            lines.Add(Encoding.UTF8.GetString(buffer.WrittenSpan));
        }

        Assert.True((await VerifyLinesAsync(lines)).Valid);
        Assert.Equal(7, (await VerifyLinesAsync(lines)).Head!.Sequence);

        var swapped = lines.ToList();
        (swapped[2], swapped[3]) = (swapped[3], swapped[2]);
        AssertBad(await VerifyLinesAsync(swapped), 2, AuditFailure.SequenceGap);

        var edited = lines.ToList();
        edited[4] = edited[4].Replace("\"status_code\":200", "\"status_code\":500", StringComparison.Ordinal);
        AssertBad(await VerifyLinesAsync(edited), 4, AuditFailure.HashMismatch);

        AssertBad(await VerifyLinesAsync([.. lines.Take(3), .. lines.Skip(4)]), 3, AuditFailure.SequenceGap);
        AssertBad(await VerifyLinesAsync([.. lines, lines[5]]), 5, AuditFailure.UnexpectedSequence);

        // A range from the middle verifies on its own.
        Assert.True((await VerifyLinesAsync(lines.Skip(3).ToList())).Valid);
    }

    private const string AuditColumns = "seq, at, kind, correlation_id, key_id, org_id, team_id, endpoint, model, provider, route_method, verdict, input_tokens, output_tokens, cost_usd, latency_ms, status_code, fallback_attempts, prompt_sha256, response_sha256, actor, action, target, details, prev_hash, hash";

    private static AuditRecord Inference(string correlationId) => new()
    {
        At = T0,
        Kind = AuditKinds.Inference,
        CorrelationId = correlationId,
        KeyId = "key_a",
        OrgId = "acme",
        TeamId = "eng",
        Endpoint = "/v1/chat/completions",
        Model = "gpt-4o-mini",
        Provider = "openai",
        RouteMethod = "pinned",
        Verdict = UsageVerdicts.Ok,
        InputTokens = 120,
        OutputTokens = 30,
        CostUsd = 0.000123m,
        LatencyMs = 321,
        StatusCode = 200,
        PromptSha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("prompt " + correlationId))),
        ResponseSha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("response " + correlationId))),
    };

    private static AuditRecord WithContent(AuditRecord record, byte[] prompt, byte[]? response, DateTimeOffset expiresAt) => record with
    {
        PromptSha256 = Convert.ToHexStringLower(SHA256.HashData(prompt)),
        ResponseSha256 = response is null ? null : Convert.ToHexStringLower(SHA256.HashData(response)),
        Content = new AuditContent { Prompt = prompt, Response = response, ExpiresAt = expiresAt },
    };

    private static void AssertBad(AuditVerification result, long sequence, AuditFailure failure)
    {
        Assert.False(result.Valid, "The tampered chain verified.");
        Assert.Equal((sequence, failure), (result.FirstBadSequence!.Value, result.Failure!.Value));
        Assert.False(string.IsNullOrEmpty(result.Detail));
    }

    private static async Task<List<AuditRecord>> ReadChainAsync(GatewayStores stores, long from = 0, long? to = null, bool content = false)
    {
        var records = new List<AuditRecord>();
        await foreach (var record in stores.Audit.ReadAsync(from, to, content, Ct))
        {
            records.Add(record);
        }

        return records;
    }

    private static async Task<AuditVerification> VerifyLinesAsync(IReadOnlyList<string> lines)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        return await AuditChainVerifier.VerifyAsync(AuditJsonLines.ReadAsync(stream, Ct), requireGenesis: lines.Count > 0 && lines[0].Contains("\"sequence\":0,", StringComparison.Ordinal), Ct);
    }

    private async Task<GatewayStores> StartWithChainAsync(int count)
    {
        var (stores, _) = await StartAsync();
        for (var i = 1; i <= count; i++)
        {
            await stores.Audit.AppendAsync(Inference($"r{i}") with { At = T0.AddSeconds(i), InputTokens = i }, Ct);
        }

        Assert.True((await stores.Audit.VerifyAsync(Ct)).Valid);
        return stores;
    }

    private async Task ShiftUpFromAsync(GatewayStores stores, long sequence)
    {
        // Two steps, so no statement ever needs two rows on one sequence.
        await ExecuteSqlAsync(stores, $"UPDATE audit_chain SET seq = -seq WHERE seq >= {sequence}");
        await ExecuteSqlAsync(stores, "UPDATE audit_chain SET seq = -seq + 1 WHERE seq < 0");
    }
}
