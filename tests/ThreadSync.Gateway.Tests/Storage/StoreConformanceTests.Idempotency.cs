using System.Security.Cryptography;
using System.Text;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Gateway.Tests.Storage;

/// <summary>Idempotency records: claim, complete, release, quarantine, leases, retention, fingerprints and racing claims.</summary>
public abstract partial class StoreConformanceTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    [Fact]
    public async Task IdempotencyClaim_FreeKey_IsClaimedOnceThenInProgress()
    {
        var (stores, _) = await StartAsync();
        var s = stores.Idempotency;

        Assert.Equal(IdempotencyClaimStatus.Claimed, (await s.ClaimAsync(Claim("k1"), Ct)).Status);

        var again = await s.ClaimAsync(Claim("k1"), Ct);
        Assert.Equal(IdempotencyClaimStatus.InProgress, again.Status);
        Assert.Null(again.Response);
        Assert.Equal(IdempotencyClaimStatus.Claimed, (await s.ClaimAsync(Claim("k2"), Ct)).Status);
    }

    [Fact]
    public async Task IdempotencyClaim_SameKeyUnderTwoApiKeys_AreTwoRecords()
    {
        var (stores, _) = await StartAsync();
        var s = stores.Idempotency;
        var first = Claim("shared", keyId: "key_a");
        Assert.Equal(IdempotencyClaimStatus.Claimed, (await s.ClaimAsync(first, Ct)).Status);
        Assert.True(await s.CompleteAsync(first, Response("for a"), Ct));

        Assert.Equal(IdempotencyClaimStatus.Claimed, (await s.ClaimAsync(Claim("shared", keyId: "key_b", body: "another body"), Ct)).Status);
        AssertResponse(Response("for a"), await s.ClaimAsync(Claim("shared", keyId: "key_a"), Ct));
    }

    [Fact]
    public async Task IdempotencyComplete_StoresTheResponseByteForByte_ForLaterClaims()
    {
        var (stores, _) = await StartAsync();
        var s = stores.Idempotency;
        var claim = Claim("k1");
        await s.ClaimAsync(claim, Ct);
        var body = new byte[70_000];
        for (var i = 0; i < body.Length; i++)
        {
            body[i] = (byte)(i * 31);
        }

        var response = new IdempotentResponse(
            201,
            [new("Content-Type", "text/event-stream; charset=utf-8"), new("x-threadsync-route-reason", "a: b; c=d"), new("Vary", "a"), new("Vary", "b"), new("x-empty", string.Empty)],
            body);

        Assert.True(await s.CompleteAsync(claim, response, Ct));

        AssertResponse(response, await s.ClaimAsync(Claim("k1"), Ct));
        AssertResponse(response, await s.ClaimAsync(Claim("k1"), Ct));
    }

    [Fact]
    public async Task IdempotencyComplete_EmptyBodyAndNoHeaders_RoundTrip()
    {
        var (stores, _) = await StartAsync();
        var claim = Claim("k1");
        await stores.Idempotency.ClaimAsync(claim, Ct);
        var response = new IdempotentResponse(204, [], []);

        Assert.True(await stores.Idempotency.CompleteAsync(claim, response, Ct));

        AssertResponse(response, await stores.Idempotency.ClaimAsync(Claim("k1"), Ct));
    }

    [Fact]
    public async Task IdempotencyClaim_OtherFingerprint_IsAMismatchInEveryState()
    {
        var (stores, _) = await StartAsync();
        var s = stores.Idempotency;
        var running = Claim("running");
        var done = Claim("done");
        var uncertain = Claim("uncertain");
        await s.ClaimAsync(running, Ct);
        await s.ClaimAsync(done, Ct);
        await s.CompleteAsync(done, Response("ok"), Ct);
        await s.ClaimAsync(uncertain, Ct);
        await s.MarkUncertainAsync(uncertain, Ct);

        foreach (var key in new[] { "running", "done", "uncertain" })
        {
            var result = await s.ClaimAsync(Claim(key, body: "a different body"), Ct);
            Assert.Equal(IdempotencyClaimStatus.FingerprintMismatch, result.Status);
            Assert.Null(result.Response);
        }

        Assert.Equal(IdempotencyClaimStatus.InProgress, (await s.ClaimAsync(Claim("running"), Ct)).Status);
        Assert.Equal(IdempotencyClaimStatus.Completed, (await s.ClaimAsync(Claim("done"), Ct)).Status);
        Assert.Equal(IdempotencyClaimStatus.Uncertain, (await s.ClaimAsync(Claim("uncertain"), Ct)).Status);
    }

    [Fact]
    public async Task IdempotencyRelease_FreesTheKey_ForTheNextClaim()
    {
        var (stores, _) = await StartAsync();
        var s = stores.Idempotency;
        var first = Claim("k1");
        await s.ClaimAsync(first, Ct);

        Assert.False(await s.ReleaseAsync(Claim("k1"), Ct)); // another owner
        Assert.True(await s.ReleaseAsync(first, Ct));
        Assert.False(await s.ReleaseAsync(first, Ct));

        var second = Claim("k1", body: "now another body is fine");
        Assert.Equal(IdempotencyClaimStatus.Claimed, (await s.ClaimAsync(second, Ct)).Status);
        Assert.False(await s.CompleteAsync(first, Response("late"), Ct));
        Assert.True(await s.CompleteAsync(second, Response("second"), Ct));
        AssertResponse(Response("second"), await s.ClaimAsync(Claim("k1", body: "now another body is fine"), Ct));
    }

    [Fact]
    public async Task IdempotencyMarkUncertain_QuarantinesTheKey()
    {
        var (stores, _) = await StartAsync();
        var s = stores.Idempotency;
        var claim = Claim("k1");
        await s.ClaimAsync(claim, Ct);

        Assert.True(await s.MarkUncertainAsync(claim, Ct));

        var result = await s.ClaimAsync(Claim("k1"), Ct);
        Assert.Equal(IdempotencyClaimStatus.Uncertain, result.Status);
        Assert.Null(result.Response);
        Assert.False(await s.CompleteAsync(claim, Response("late"), Ct));
        Assert.False(await s.ReleaseAsync(claim, Ct));
        Assert.False(await s.MarkUncertainAsync(claim, Ct));
        Assert.False(await s.RenewAsync(claim, Ct));
        Assert.Equal(IdempotencyClaimStatus.Uncertain, (await s.ClaimAsync(Claim("k1"), Ct)).Status);
    }

    [Fact]
    public async Task IdempotencyOwnership_OnlyTheOwnerOfARunningClaimChangesIt()
    {
        var (stores, _) = await StartAsync();
        var s = stores.Idempotency;
        var claim = Claim("k1");
        var intruder = Claim("k1");
        await s.ClaimAsync(claim, Ct);

        Assert.False(await s.CompleteAsync(intruder, Response("intruder"), Ct));
        Assert.False(await s.MarkUncertainAsync(intruder, Ct));
        Assert.False(await s.RenewAsync(intruder, Ct));
        Assert.False(await s.CompleteAsync(Claim("never claimed"), Response("x"), Ct));
        Assert.True(await s.RenewAsync(claim, Ct));
        Assert.True(await s.CompleteAsync(claim, Response("owner"), Ct));
        Assert.False(await s.CompleteAsync(claim, Response("twice"), Ct));
        Assert.False(await s.RenewAsync(claim, Ct));

        AssertResponse(Response("owner"), await s.ClaimAsync(Claim("k1"), Ct));
    }

    [Fact]
    public async Task IdempotencyLease_RunOut_TurnsTheKeyUncertain_UnlessRenewed()
    {
        var (stores, time) = await StartAsync();
        var s = stores.Idempotency;
        var renewed = Claim("renewed");
        var abandoned = Claim("abandoned");
        await s.ClaimAsync(renewed, Ct);
        await s.ClaimAsync(abandoned, Ct);

        time.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.True(await s.RenewAsync(renewed, Ct));
        Assert.Equal(IdempotencyClaimStatus.InProgress, (await s.ClaimAsync(Claim("abandoned"), Ct)).Status);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(IdempotencyClaimStatus.Uncertain, (await s.ClaimAsync(Claim("abandoned"), Ct)).Status);
        Assert.Equal(IdempotencyClaimStatus.InProgress, (await s.ClaimAsync(Claim("renewed"), Ct)).Status);
        Assert.False(await s.CompleteAsync(abandoned, Response("too late"), Ct));
        Assert.Equal(IdempotencyClaimStatus.Uncertain, (await s.ClaimAsync(Claim("abandoned"), Ct)).Status);

        time.Advance(Lease);
        Assert.Equal(IdempotencyClaimStatus.Uncertain, (await s.ClaimAsync(Claim("renewed"), Ct)).Status);
    }

    [Fact]
    public async Task IdempotencyRetention_ExpiredRecords_AreFreeForAnyRequest()
    {
        var (stores, time) = await StartAsync();
        var s = stores.Idempotency;
        var done = Claim("done");
        var uncertain = Claim("uncertain");
        await s.ClaimAsync(done, Ct);
        await s.ClaimAsync(uncertain, Ct);
        time.Advance(TimeSpan.FromHours(1));
        await s.CompleteAsync(done, Response("kept"), Ct);
        await s.MarkUncertainAsync(uncertain, Ct);

        // Retention runs from completion, not from the claim.
        time.Advance(Retention - TimeSpan.FromSeconds(1));
        AssertResponse(Response("kept"), await s.ClaimAsync(Claim("done"), Ct));
        Assert.Equal(IdempotencyClaimStatus.Uncertain, (await s.ClaimAsync(Claim("uncertain"), Ct)).Status);
        time.Advance(TimeSpan.FromSeconds(1));

        var reclaim = Claim("done", body: "a new request");
        Assert.Equal(IdempotencyClaimStatus.Claimed, (await s.ClaimAsync(reclaim, Ct)).Status);
        Assert.Equal(IdempotencyClaimStatus.Claimed, (await s.ClaimAsync(Claim("uncertain"), Ct)).Status);
        Assert.False(await s.CompleteAsync(done, Response("old owner"), Ct));
        Assert.True(await s.CompleteAsync(reclaim, Response("new"), Ct));
        AssertResponse(Response("new"), await s.ClaimAsync(Claim("done", body: "a new request"), Ct));
    }

    [Fact]
    public async Task IdempotencyPurge_DeletesOnlyExpiredRecords()
    {
        var (stores, time) = await StartAsync();
        var s = stores.Idempotency;
        for (var i = 0; i < 5; i++)
        {
            var old = Claim($"old{i}");
            await s.ClaimAsync(old, Ct);
            await s.CompleteAsync(old, Response($"old {i}"), Ct);
        }

        var gone = Claim("old-uncertain");
        await s.ClaimAsync(gone, Ct);
        await s.MarkUncertainAsync(gone, Ct);
        time.Advance(Retention);
        var fresh = Claim("fresh");
        await s.ClaimAsync(fresh, Ct);
        await s.CompleteAsync(fresh, Response("fresh"), Ct);

        Assert.Equal(6, await s.PurgeExpiredAsync(Ct));
        Assert.Equal(0, await s.PurgeExpiredAsync(Ct));

        AssertResponse(Response("fresh"), await s.ClaimAsync(Claim("fresh"), Ct));
        Assert.Equal(IdempotencyClaimStatus.Claimed, (await s.ClaimAsync(Claim("old0", body: "new"), Ct)).Status);
    }

    [Fact]
    public async Task IdempotencyClaim_Racing_ExactlyOneWins()
    {
        var (stores, _) = await StartAsync();
        for (var round = 0; round < 5; round++)
        {
            var claims = Enumerable.Range(0, 25).Select(_ => Claim($"race{round}")).ToArray();

            var results = await RaceAsync(claims.Length, i => stores.Idempotency.ClaimAsync(claims[i], Ct).AsTask());

            Assert.Equal(1, results.Count(r => r.Status == IdempotencyClaimStatus.Claimed));
            Assert.Equal(claims.Length - 1, results.Count(r => r.Status == IdempotencyClaimStatus.InProgress));
            var winner = claims[Array.FindIndex(results, r => r.Status == IdempotencyClaimStatus.Claimed)];
            foreach (var loser in claims.Where(c => c != winner))
            {
                Assert.False(await stores.Idempotency.CompleteAsync(loser, Response("loser"), Ct));
            }

            Assert.True(await stores.Idempotency.CompleteAsync(winner, Response("winner"), Ct));
        }
    }

    [Fact]
    public async Task IdempotencyClaim_InvalidClaims_Throw()
    {
        var (stores, _) = await StartAsync();
        var s = stores.Idempotency;

        await Assert.ThrowsAsync<ArgumentException>(() => s.ClaimAsync(Claim("k") with { Fingerprint = new byte[31] }, Ct).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => s.ClaimAsync(Claim(new string('k', 256)), Ct).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => s.ClaimAsync(Claim(string.Empty), Ct).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => s.ClaimAsync(Claim("k") with { Lease = TimeSpan.Zero }, Ct).AsTask());
        Assert.Equal(IdempotencyClaimStatus.Claimed, (await s.ClaimAsync(Claim(new string('k', 255)), Ct)).Status);
    }

    /// <summary>A new claim (a new owner) of <paramref name="key"/>, fingerprinted from <paramref name="body"/>.</summary>
    protected static IdempotencyClaim Claim(string key, string keyId = "key_a", string body = "the body") => new()
    {
        KeyId = keyId,
        Key = key,
        Fingerprint = SHA256.HashData(Encoding.UTF8.GetBytes("POST\n/v1/chat/completions\n" + body)),
        Owner = Guid.NewGuid().ToString("N"),
        Lease = Lease,
        Retention = Retention,
    };

    private static IdempotentResponse Response(string text) =>
        new(200, [new("Content-Type", "application/json"), new("x-threadsync-model", "gpt-4o")], Encoding.UTF8.GetBytes($$"""{"text":"{{text}}"}"""));

    private static void AssertResponse(IdempotentResponse expected, IdempotencyClaimResult actual)
    {
        Assert.Equal(IdempotencyClaimStatus.Completed, actual.Status);
        Assert.NotNull(actual.Response);
        Assert.Equal(expected.StatusCode, actual.Response.StatusCode);
        Assert.Equal(expected.Headers, actual.Response.Headers);
        Assert.True(expected.Body.Span.SequenceEqual(actual.Response.Body.Span), "the body differs");
    }
}
