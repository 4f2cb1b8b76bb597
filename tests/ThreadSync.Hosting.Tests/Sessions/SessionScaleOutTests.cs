using System.Net;
using ThreadSync.Gateway.Tests.Storage;
using ThreadSync.Hosting.Tests.Governance;

namespace ThreadSync.Hosting.Tests.Sessions;

/// <summary>Two instances on one PostgreSQL database: a share code is exchanged once, and a nonce accepted once, across both.</summary>
public sealed class SessionScaleOutTests
{
    [Fact]
    public async Task ASignedRequestReplayedToBothInstances_IsServedOnce_AndAShareCodeIsExchangedOnce()
    {
        await using var database = await PostgresTestServer.CreateDatabaseAsync();
        await using var a = await GovernedServer.StartOnPostgresAsync(database);
        await using var b = await GovernedServer.StartOnPostgresAsync(database);
        var onA = new SessionClient(a);
        var onB = new SessionClient(b);
        var (secret, client) = await onA.SetUpAsync("org-scale");

        // Ten racing exchanges of one code, five per instance: exactly one session.
        var (verifier, challenge) = SessionClient.NewPkce();
        var code = await onA.MintCodeAsync(secret, client.Id, challenge);
        var exchanges = await GovernedServer.RaceAsync(10, i => (i % 2 == 0 ? onA : onB).ExchangeAsync(code, verifier));
        Assert.Equal(1, exchanges.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(9, exchanges.Count(r => r.StatusCode == HttpStatusCode.BadRequest));

        // One signed request (same timestamp, nonce and signature) sent ten times to both instances: served once.
        var session = await onA.OpenAsync(secret, client.Id);
        var timestamp = SessionClient.Now();
        var nonce = SessionClient.NewNonce();
        var replays = await GovernedServer.RaceAsync(10, i =>
            (i % 2 == 0 ? onA : onB).SendSignedAsync(session, HttpMethod.Post, "/v1/chat/completions", SessionClient.ChatBody(), timestamp: timestamp, nonce: nonce));
        Assert.Equal(1, replays.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(9, replays.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(1, a.OpenAI.RequestCount + b.OpenAI.RequestCount);
    }
}
