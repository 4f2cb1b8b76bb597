using System.Net;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Tests.Storage;
using ThreadSync.Hosting.Tests.Governance;
using ThreadSync.Testing.FakeUpstreams;
using static ThreadSync.Hosting.Tests.Idempotency.IdempotentClient;

namespace ThreadSync.Hosting.Tests.Idempotency;

/// <summary>Two reference servers on one PostgreSQL database: duplicates sent to both still run upstream once.</summary>
public sealed class IdempotencyScaleOutTests
{
    [Fact]
    public async Task TwoInstances_RacingDuplicates_CallUpstreamOnce_AndAllGetTheSameBytes()
    {
        await using var database = await PostgresTestServer.CreateDatabaseAsync();
        await using var a = await StartAsync(database);
        await using var b = await StartAsync(database);
        var secret = await a.CreateKeyAsync("acme");

        // Whichever instance wins the key answers slowly, so the other's duplicates find it running and poll.
        a.OpenAI.Enqueue(FakeReply.Text("Shared across instances.").WithDelay(TimeSpan.FromMilliseconds(500)));
        b.OpenAI.Enqueue(FakeReply.Text("Shared across instances.").WithDelay(TimeSpan.FromMilliseconds(500)));

        var replies = await GovernedServerRace(40, i => SendAsync(i % 2 == 0 ? a : b, secret, "cross-instance"));

        Assert.Equal(1, a.OpenAI.RequestCount + b.OpenAI.RequestCount);
        Assert.All(replies, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.All(replies, r => Assert.Equal(replies[0].Body, r.Body));
        Assert.Equal(39, replies.Count(r => r.Replayed));
    }

    [Fact]
    public async Task TwoInstances_StreamStartedOnOne_IsReplayedByTheOther()
    {
        await using var database = await PostgresTestServer.CreateDatabaseAsync();
        await using var a = await StartAsync(database, streamChunkDelayMilliseconds: 50);
        await using var b = await StartAsync(database);
        var secret = await a.CreateKeyAsync("acme");
        var body = Body(LlmChat, stream: true, prompt: "one two three four five six seven eight");

        using var request = Request(a.BaseUrl, secret, "stream-across", body, LlmChat);
        using var original = await a.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        var stream = await original.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var start = new byte[1];
        Assert.Equal(1, await stream.ReadAsync(start, TestContext.Current.CancellationToken)); // running on a

        var duplicate = await SendAsync(b, secret, "stream-across", body, LlmChat);
        using var whole = new MemoryStream();
        whole.Write(start);
        await stream.CopyToAsync(whole, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, duplicate.Status);
        Assert.True(duplicate.Replayed);
        Assert.Equal(whole.ToArray(), duplicate.Body);
        Assert.Contains("event: finish", duplicate.Text, StringComparison.Ordinal);
        Assert.Equal(1, a.OpenAI.RequestCount + b.OpenAI.RequestCount);
    }

    [Fact]
    public async Task RequestLongerThanTheLease_KeepsItsClaimByRenewal_AndTheOtherInstanceGetsItsAnswer()
    {
        await using var database = await PostgresTestServer.CreateDatabaseAsync();
        var lease = new Dictionary<string, string?> { ["ThreadSync:Idempotency:Lease"] = "00:00:03" };
        await using var a = await StartAsync(database, settings: lease);
        await using var b = await StartAsync(database, settings: lease);
        var secret = await a.CreateKeyAsync("acme");

        // Three leases long: without renewal, b's polling would find the claim expired and quarantine the key.
        a.OpenAI.Enqueue(FakeReply.Text("Worth the wait.").WithDelay(TimeSpan.FromSeconds(9)));
        var first = SendAsync(a, secret, "long-running");
        await WaitUntilAsync(() => a.OpenAI.RequestCount == 1);
        var duplicate = await SendAsync(b, secret, "long-running");
        var original = await first;

        Assert.Equal(HttpStatusCode.OK, original.Status);
        Assert.Equal(HttpStatusCode.OK, duplicate.Status);
        Assert.True(duplicate.Replayed);
        Assert.Equal(original.Body, duplicate.Body);
        Assert.Equal(0, b.OpenAI.RequestCount);
    }

    private static async Task<IdempotentReply[]> GovernedServerRace(int count, Func<int, Task<IdempotentReply>> send)
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

    private static Task<GovernedServer> StartAsync(PostgresTestDatabase database, int streamChunkDelayMilliseconds = 0, Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? [])
        {
            ["ThreadSync:Storage:Provider"] = nameof(StorageProvider.Postgres),
            ["ThreadSync:Storage:ConnectionString"] = database.ConnectionString,
            ["ThreadSync:Idempotency:PollInterval"] = "00:00:00.050",
        };
        return GovernedServer.StartAsync(all, streamChunkDelayMilliseconds);
    }
}
