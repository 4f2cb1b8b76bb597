using System.Net;
using System.Security.Cryptography;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Audit;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Tests.Governance;
using ThreadSync.Testing.FakeUpstreams;
using static ThreadSync.Hosting.Tests.Idempotency.IdempotentClient;

namespace ThreadSync.Hosting.Tests.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> on the real server: one upstream call however many duplicates race, byte-identical replays of
/// answers and streams on every endpoint, keys scoped per API key, a different body refused, replays never billed.
/// </summary>
public sealed class IdempotencyHttpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, bool> Endpoints => new()
    {
        { ChatCompletions, false },
        { ChatCompletions, true },
        { Messages, false },
        { Messages, true },
        { LlmChat, false },
        { LlmChat, true },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Retry_ReplaysTheResponseByteForByte_WithoutCallingUpstream(string path, bool stream)
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme");

        var first = await SendAsync(server, secret, "order-42", path: path, stream: stream);
        var second = await SendAsync(server, secret, "order-42", path: path, stream: stream);
        var third = await SendAsync(server, secret, "order-42", path: path, stream: stream);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.False(first.Replayed);
        Assert.NotEmpty(first.Body);
        foreach (var replay in new[] { second, third })
        {
            Assert.Equal(HttpStatusCode.OK, replay.Status);
            Assert.True(replay.Replayed);
            Assert.Equal(first.Body, replay.Body);
            Assert.Equal(first.ContentType, replay.ContentType);
            Assert.Equal("gpt-4o", replay.Model);
        }

        Assert.StartsWith(stream ? "text/event-stream" : "application/json", first.ContentType, StringComparison.Ordinal);
        Assert.Equal(1, server.OpenAI.RequestCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LargeAnswer_IsReplayedByteForByte(bool stream)
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme");
        var text = string.Join(' ', Enumerable.Range(0, 5_000).Select(i => $"word{i}"));
        server.OpenAI.Enqueue(FakeReply.Text(text));

        var first = await SendAsync(server, secret, "large", stream: stream);
        var replay = await SendAsync(server, secret, "large", stream: stream);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.True(first.Body.Length > (stream ? 500_000 : 40_000), $"{first.Body.Length} bytes");
        Assert.True(replay.Replayed);
        Assert.Equal(first.Body, replay.Body);
        Assert.Equal(1, server.OpenAI.RequestCount);
    }

    [Fact]
    public async Task FiftyConcurrentDuplicates_CallUpstreamOnce_AndAllGetTheSameBytes()
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme");

        // A slow answer, so the duplicates arrive while the first runs (they get the same bytes whenever they arrive).
        server.OpenAI.Enqueue(FakeReply.Text("The one and only answer.").WithDelay(TimeSpan.FromMilliseconds(500)));

        var replies = await RaceAsync(50, _ => SendAsync(server, secret, "pay-invoice-7"));

        Assert.Equal(1, server.OpenAI.RequestCount);
        Assert.All(replies, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.All(replies, r => Assert.Equal(replies[0].Body, r.Body));
        Assert.Contains("The one and only answer.", replies[0].Text, StringComparison.Ordinal);
        Assert.Equal(49, replies.Count(r => r.Replayed));
        var ledger = await server.LedgerAsync(await server.KeyIdOfAsync(secret));
        Assert.Single(ledger);
    }

    [Fact]
    public async Task FiftyConcurrentDuplicateStreams_CallUpstreamOnce_AndAllGetTheSameBytes()
    {
        await using var server = await GovernedServer.StartAsync(streamChunkDelayMilliseconds: 20);
        var secret = await server.CreateKeyAsync("acme");

        var replies = await RaceAsync(50, _ => SendAsync(server, secret, "stream-7", path: LlmChat, stream: true));

        Assert.Equal(1, server.OpenAI.RequestCount);
        Assert.All(replies, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.All(replies, r => Assert.Equal(replies[0].Body, r.Body));
        Assert.Contains("event: finish", replies[0].Text, StringComparison.Ordinal);
        Assert.Equal(49, replies.Count(r => r.Replayed));
    }

    [Fact]
    public async Task DuplicateOfAStreamInFlight_WaitsAndReplaysTheWholeStream()
    {
        await using var server = await GovernedServer.StartAsync(streamChunkDelayMilliseconds: 50);
        var secret = await server.CreateKeyAsync("acme");
        var body = Body(ChatCompletions, stream: true, prompt: "one two three four five six seven eight nine ten");

        using var request = Request(server.BaseUrl, secret, "stream-in-flight", body);
        using var original = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        var stream = await original.Content.ReadAsStreamAsync(Ct);
        var start = new byte[1];
        Assert.Equal(1, await stream.ReadAsync(start, Ct)); // the stream has begun

        var duplicate = await SendAsync(server, secret, "stream-in-flight", body);
        using var rest = new MemoryStream();
        rest.Write(start);
        await stream.CopyToAsync(rest, Ct);

        Assert.Equal(HttpStatusCode.OK, duplicate.Status);
        Assert.True(duplicate.Replayed);
        Assert.Equal(rest.ToArray(), duplicate.Body);
        Assert.EndsWith("data: [DONE]\n\n", duplicate.Text, StringComparison.Ordinal);
        Assert.Equal(1, server.OpenAI.RequestCount);
    }

    [Fact]
    public async Task ClientGoneMidStream_TheStreamStillCompletes_AndARetryReplaysIt()
    {
        await using var server = await GovernedServer.StartAsync(streamChunkDelayMilliseconds: 50);
        var secret = await server.CreateKeyAsync("acme");
        var body = Body(ChatCompletions, stream: true, prompt: "one two three four five six seven eight nine ten");

        using (var request = Request(server.BaseUrl, secret, "walked-away", body))
        using (var client = new HttpClient())
        using (var original = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct))
        {
            var stream = await original.Content.ReadAsStreamAsync(Ct);
            Assert.Equal(1, await stream.ReadAsync(new byte[1], Ct));
        }

        // The client dropped its connection after the first byte; the retry finds the request running or finished.
        var retry = await SendAsync(server, secret, "walked-away", body);

        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.True(retry.Replayed);
        Assert.Contains("ten", retry.Text, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", retry.Text, StringComparison.Ordinal);
        Assert.Equal(1, server.OpenAI.RequestCount);
        var ledger = await server.LedgerAsync(await server.KeyIdOfAsync(secret));
        Assert.Equal(UsageVerdicts.Ok, Assert.Single(ledger).Verdict);
    }

    [Fact]
    public async Task SameKeyWithAnotherBodyOrEndpoint_Is422()
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme");
        var first = await SendAsync(server, secret, "k-1", Body(prompt: "Say hi."));

        var otherBody = await SendAsync(server, secret, "k-1", Body(prompt: "Say bye."));
        var otherEndpoint = await SendAsync(server, secret, "k-1", Body(prompt: "Say hi."), path: LlmChat);
        var otherShape = await SendAsync(server, secret, "k-1", Body(prompt: "Say hi.", path: Messages), path: Messages);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        foreach (var refused in new[] { otherBody, otherEndpoint, otherShape })
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
            Assert.Equal(GatewayErrorCodes.IdempotencyKeyReused, refused.ErrorCode);
            Assert.Equal("false", refused.ShouldRetry);
            Assert.False(refused.Replayed);
        }

        Assert.Equal(1, server.OpenAI.RequestCount);
        Assert.Equal(first.Body, (await SendAsync(server, secret, "k-1", Body(prompt: "Say hi."))).Body);
    }

    [Fact]
    public async Task SameKeyUnderTwoApiKeys_RunsTwice()
    {
        await using var server = await GovernedServer.StartAsync();
        var alice = await server.CreateKeyAsync("acme");
        var bob = await server.CreateKeyAsync("acme");

        var a = await SendAsync(server, alice, "shared-key");
        var b = await SendAsync(server, bob, "shared-key");
        var bobsOtherBody = await SendAsync(server, bob, "other", Body(prompt: "Something else."));
        var alicesWithBobsBody = await SendAsync(server, alice, "other", Body(prompt: "Yet another thing."));

        Assert.False(a.Replayed);
        Assert.False(b.Replayed);
        Assert.NotEqual(a.Body, b.Body);
        Assert.Equal(HttpStatusCode.OK, bobsOtherBody.Status);
        Assert.Equal(HttpStatusCode.OK, alicesWithBobsBody.Status);
        Assert.Equal(4, server.OpenAI.RequestCount);
        Assert.True((await SendAsync(server, alice, "shared-key")).Replayed);
        Assert.Equal(b.Body, (await SendAsync(server, bob, "shared-key")).Body);
    }

    [Fact]
    public async Task Replay_IsNotBilled_AndCountsAgainstNoLimit()
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme", keyLimits: new QuotaLimits { RequestsPerHour = 1 });
        var keyId = await server.KeyIdOfAsync(secret);
        var first = await SendAsync(server, secret, "bill-once");
        var ledger = await server.LedgerAsync(keyId);
        var keyCounts = await server.Stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, keyId, Ct);
        var orgCounts = await server.Stores.Quotas.GetCountsAsync(QuotaScopeKind.Org, "acme", Ct);

        var replays = new List<IdempotentReply>();
        for (var i = 0; i < 3; i++)
        {
            replays.Add(await SendAsync(server, secret, "bill-once"));
        }

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.All(replays, r => Assert.True(r.Replayed && r.Status == HttpStatusCode.OK));
        Assert.Equal(UsageVerdicts.Ok, Assert.Single(ledger).Verdict);
        Assert.True(Assert.Single(ledger).CostUsd > 0);
        Assert.Equal(ledger, await server.LedgerAsync(keyId));
        Assert.Equal(keyCounts, await server.Stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, keyId, Ct));
        Assert.Equal(orgCounts, await server.Stores.Quotas.GetCountsAsync(QuotaScopeKind.Org, "acme", Ct));
        Assert.Equal(1, server.OpenAI.RequestCount);

        // The one request of the hour was spent by the original, not by the replays: a new request is refused.
        Assert.Equal((HttpStatusCode)429, (await SendAsync(server, secret, "a-new-request", Body(prompt: "New."))).Status);
    }

    [Fact]
    public async Task Replay_IsInTheAuditChainAsReplayed_WithTheHashOfTheBytesSent()
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme");
        var keyId = await server.KeyIdOfAsync(secret);

        var first = await SendAsync(server, secret, "audited");
        var replay = await SendAsync(server, secret, "audited");

        var chain = new List<AuditRecord>();
        await foreach (var record in server.Stores.Audit.ReadAsync(cancellationToken: Ct))
        {
            chain.Add(record);
        }

        var original = Assert.Single(chain, r => r.CorrelationId == first.RequestId);
        var replayed = Assert.Single(chain, r => r.CorrelationId == replay.RequestId);
        Assert.NotEqual(first.RequestId, replay.RequestId);
        Assert.Equal((UsageVerdicts.Ok, 200), (original.Verdict, original.StatusCode));
        Assert.Equal((UsageVerdicts.Replayed, 200, keyId), (replayed.Verdict, replayed.StatusCode, replayed.KeyId));
        Assert.Equal(0m, replayed.CostUsd);
        Assert.Equal(original.ResponseSha256, replayed.ResponseSha256);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(replay.Body)), replayed.ResponseSha256);
    }

    [Fact]
    public async Task WithoutTheHeader_NothingIsStored()
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme");

        var a = await SendAsync(server, secret, idempotencyKey: null);
        var b = await SendAsync(server, secret, idempotencyKey: null);

        Assert.False(a.Replayed || b.Replayed);
        Assert.NotEqual(a.Body, b.Body);
        Assert.Equal(2, server.OpenAI.RequestCount);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("x")]
    public async Task InvalidKey_Is400(string key)
    {
        await using var server = await GovernedServer.StartAsync();
        var secret = await server.CreateKeyAsync("acme");
        if (key == "x")
        {
            key = new string('x', 256);
        }

        var reply = await SendAsync(server, secret, key);
        var longest = await SendAsync(server, secret, new string('y', 255));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(GatewayErrorCodes.InvalidParameter, reply.ErrorCode);
        Assert.Contains("Idempotency-Key", reply.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, longest.Status);
        Assert.Equal(1, server.OpenAI.RequestCount);
    }

    [Fact]
    public async Task DuplicateWhileTheFirstRuns_PastTheWaitTimeout_Is409InProgress()
    {
        await using var server = await GovernedServer.StartAsync(new() { ["ThreadSync:Idempotency:WaitTimeout"] = "00:00:00" });
        var secret = await server.CreateKeyAsync("acme");
        // Long enough that the duplicate surely arrives while the first still runs, however loaded the machine.
        server.OpenAI.Enqueue(FakeReply.Text("Slow.").WithDelay(TimeSpan.FromSeconds(5)));

        var first = SendAsync(server, secret, "slow");
        await WaitUntilAsync(() => server.OpenAI.RequestCount == 1);
        var duplicate = await SendAsync(server, secret, "slow");
        var original = await first;

        Assert.Equal(HttpStatusCode.Conflict, duplicate.Status);
        Assert.Equal(GatewayErrorCodes.IdempotencyInProgress, duplicate.ErrorCode);
        Assert.Equal("true", duplicate.ShouldRetry);
        Assert.Equal(HttpStatusCode.OK, original.Status);
        Assert.Equal(original.Body, (await SendAsync(server, secret, "slow")).Body);
        Assert.Equal(1, server.OpenAI.RequestCount);
    }

    private static async Task<T[]> RaceAsync<T>(int count, Func<int, Task<T>> send)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            return await send(i);
        })).ToArray();
        gate.SetResult();
        return await Task.WhenAll(tasks);
    }
}
