using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Gateway.Tests.Storage;

/// <summary>
/// Browser-safe sessions: app clients, share codes redeemed exactly once across instances, subject sessions found by
/// token hash and revoked once, nonces accepted once across instances, and the purge of what expired.
/// </summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task AppClientCreate_GetListUpdate_RoundTrips()
    {
        var (stores, _) = await StartAsync();
        var s = stores.Sessions;
        var shop = NewAppClient("app_shop", createdAt: T0.AddMinutes(2)) with
        {
            AllowedOrigins = ["https://shop.acme.example", "http://localhost:3000"],
            Access = new AccessRules { AllowedProviders = ["openai"], AllowedModels = ["gpt-4o-mini"], DeniedModels = ["gpt-4*"] },
            SessionLifetime = TimeSpan.FromMinutes(30),
        };
        var docs = NewAppClient("app_docs", createdAt: T0.AddMinutes(1));
        var other = NewAppClient("app_other", org: "globex", createdAt: T0);

        Assert.True(await s.CreateAppClientAsync(shop, Ct));
        Assert.True(await s.CreateAppClientAsync(docs, Ct));
        Assert.True(await s.CreateAppClientAsync(other, Ct));

        AssertAppClient(shop, await s.GetAppClientAsync("app_shop", Ct));
        AssertAppClient(docs, await s.GetAppClientAsync("app_docs", Ct));
        Assert.Null(await s.GetAppClientAsync("app_ghost", Ct));
        Assert.Equal(["app_docs", "app_shop"], (await s.ListAppClientsAsync("acme", Ct)).Select(c => c.Id));
        Assert.Equal(["app_other"], (await s.ListAppClientsAsync("globex", Ct)).Select(c => c.Id));
        Assert.Empty(await s.ListAppClientsAsync("initech", Ct));
        var all = await s.ListAppClientsAsync(null, Ct);
        Assert.Equal(["app_other", "app_docs", "app_shop"], all.Select(c => c.Id));
        AssertAppClient(shop, all[2]);

        var updated = shop with
        {
            Name = "Shop v2",
            AllowedOrigins = ["https://shop2.acme.example"],
            Access = AccessRules.AllowAll,
            SessionLifetime = TimeSpan.FromSeconds(90),
            RevokedAt = T0.AddHours(1),
        };
        Assert.True(await s.UpdateAppClientAsync(updated with { OrgId = "globex", CreatedAt = T0.AddDays(1) }, Ct));
        AssertAppClient(updated, await s.GetAppClientAsync("app_shop", Ct));
        AssertAppClient(docs, await s.GetAppClientAsync("app_docs", Ct));

        Assert.True(await s.UpdateAppClientAsync(updated with { RevokedAt = null }, Ct));
        Assert.Null((await s.GetAppClientAsync("app_shop", Ct))!.RevokedAt);
    }

    [Fact]
    public async Task AppClientCreate_TakenId_ReturnsFalseAndKeepsTheFirst()
    {
        var (stores, _) = await StartAsync();
        var first = NewAppClient("app_1") with { Name = "First" };
        Assert.True(await stores.Sessions.CreateAppClientAsync(first, Ct));

        Assert.False(await stores.Sessions.CreateAppClientAsync(NewAppClient("app_1", org: "globex") with { Name = "Second" }, Ct));

        AssertAppClient(first, await stores.Sessions.GetAppClientAsync("app_1", Ct));
        Assert.Single(await stores.Sessions.ListAppClientsAsync(null, Ct));
    }

    [Fact]
    public async Task AppClientUpdate_Missing_ReturnsFalseAndCreatesNothing()
    {
        var (stores, _) = await StartAsync();

        Assert.False(await stores.Sessions.UpdateAppClientAsync(NewAppClient("app_ghost"), Ct));

        Assert.Null(await stores.Sessions.GetAppClientAsync("app_ghost", Ct));
        Assert.Empty(await stores.Sessions.ListAppClientsAsync(null, Ct));
    }

    [Fact]
    public async Task ShareCodeRedeem_ReturnsTheCodeOnceThenNull()
    {
        var (stores, _) = await StartAsync();
        var s = stores.Sessions;
        var code = NewShareCode("code_1");
        var kept = NewShareCode("code_2");
        await s.CreateShareCodeAsync(code, Ct);
        await s.CreateShareCodeAsync(kept, Ct);

        AssertShareCode(code, await s.RedeemShareCodeAsync(Hash("code_1"), Ct));

        Assert.Null(await s.RedeemShareCodeAsync(Hash("code_1"), Ct));
        Assert.Null(await s.RedeemShareCodeAsync(Hash("code_unknown"), Ct));
        AssertShareCode(kept, await s.RedeemShareCodeAsync(Hash("code_2"), Ct));
    }

    [Fact]
    public async Task ShareCodeRedeem_Expired_IsStillReturnedOnce()
    {
        var (stores, time) = await StartAsync();
        var code = NewShareCode("code_1") with { ExpiresAt = T0.AddMinutes(1) };
        await stores.Sessions.CreateShareCodeAsync(code, Ct);
        time.Advance(TimeSpan.FromHours(1));

        var redeemed = await stores.Sessions.RedeemShareCodeAsync(Hash("code_1"), Ct);

        AssertShareCode(code, redeemed);
        Assert.True(redeemed!.ExpiresAt < time.GetUtcNow());
        Assert.Null(await stores.Sessions.RedeemShareCodeAsync(Hash("code_1"), Ct));
    }

    [Fact]
    public async Task ShareCodeRedeem_RacingOnTwoInstances_ExactlyOneGetsIt()
    {
        var (stores, _) = await StartAsync();
        var other = await OpenAnotherInstanceAsync(stores);
        var instances = new[] { stores.Sessions, other.Sessions };
        var code = NewShareCode("code_1");
        await stores.Sessions.CreateShareCodeAsync(code, Ct);
        const int Racers = 20;

        var results = await RaceAsync(Racers, i => instances[i % 2].RedeemShareCodeAsync(Hash("code_1"), Ct).AsTask());

        var winner = Assert.Single(results, r => r is not null);
        AssertShareCode(code, winner);
        Assert.Null(await other.Sessions.RedeemShareCodeAsync(Hash("code_1"), Ct));
    }

    [Fact]
    public async Task SessionCreate_FindByTokenHashAndGetById_RoundTrip()
    {
        var (stores, _) = await StartAsync();
        var s = stores.Sessions;
        var session = NewSession("ses_1");
        var second = NewSession("ses_2") with { SubjectId = "bob", Origin = "http://localhost:3000" };
        await s.CreateSessionAsync(session, Ct);
        await s.CreateSessionAsync(second, Ct);

        AssertSession(session, await s.FindSessionAsync(Hash("token_ses_1"), Ct));
        AssertSession(session, await s.GetSessionAsync("ses_1", Ct));
        AssertSession(second, await s.FindSessionAsync(Hash("token_ses_2"), Ct));
        AssertSession(second, await s.GetSessionAsync("ses_2", Ct));
        Assert.Null(await s.FindSessionAsync(Hash("token_ses_3"), Ct));
        Assert.Null(await s.GetSessionAsync("ses_3", Ct));
    }

    [Fact]
    public async Task SessionRevoke_KeepsTheFirstTimeAndMissingReturnsFalse()
    {
        var (stores, _) = await StartAsync();
        var s = stores.Sessions;
        await s.CreateSessionAsync(NewSession("ses_1"), Ct);
        await s.CreateSessionAsync(NewSession("ses_2"), Ct);

        Assert.True(await s.RevokeSessionAsync("ses_1", T0.AddMinutes(3), Ct));
        Assert.True(await s.RevokeSessionAsync("ses_1", T0.AddMinutes(9), Ct));
        Assert.False(await s.RevokeSessionAsync("ses_ghost", T0.AddMinutes(3), Ct));

        Assert.Equal(T0.AddMinutes(3), (await s.GetSessionAsync("ses_1", Ct))!.RevokedAt);
        Assert.Equal(T0.AddMinutes(3), (await s.FindSessionAsync(Hash("token_ses_1"), Ct))!.RevokedAt);
        Assert.Null((await s.GetSessionAsync("ses_2", Ct))!.RevokedAt);
        Assert.Null(await s.GetSessionAsync("ses_ghost", Ct));
    }

    [Fact]
    public async Task NonceUse_OncePerSession_OtherSessionsIndependent()
    {
        var (stores, _) = await StartAsync();
        var s = stores.Sessions;
        var expires = T0.AddMinutes(5);

        Assert.True(await s.TryUseNonceAsync("ses_1", "n1", expires, Ct));
        Assert.False(await s.TryUseNonceAsync("ses_1", "n1", expires.AddMinutes(1), Ct));
        Assert.True(await s.TryUseNonceAsync("ses_1", "n2", expires, Ct));
        Assert.True(await s.TryUseNonceAsync("ses_2", "n1", expires, Ct));
        Assert.False(await s.TryUseNonceAsync("ses_2", "n1", expires, Ct));
    }

    [Fact]
    public async Task NonceUse_RacingOnTwoInstances_ExactlyOneAccepted()
    {
        var (stores, _) = await StartAsync();
        var other = await OpenAnotherInstanceAsync(stores);
        var instances = new[] { stores.Sessions, other.Sessions };
        const int Racers = 20;

        var results = await RaceAsync(Racers, i => instances[i % 2].TryUseNonceAsync("ses_1", "nonce_1", T0.AddMinutes(5), Ct).AsTask());

        Assert.Single(results, r => r);
        Assert.False(await stores.Sessions.TryUseNonceAsync("ses_1", "nonce_1", T0.AddMinutes(5), Ct));
        Assert.True(await other.Sessions.TryUseNonceAsync("ses_2", "nonce_1", T0.AddMinutes(5), Ct));
    }

    [Fact]
    public async Task PurgeExpired_DeletesOnlyExpiredCodesNoncesAndSessions()
    {
        var (stores, _) = await StartAsync();
        var s = stores.Sessions;
        var now = T0.AddMinutes(10);
        await s.CreateAppClientAsync(NewAppClient("app_1"), Ct);
        await s.CreateShareCodeAsync(NewShareCode("code_old") with { ExpiresAt = now.AddSeconds(-1) }, Ct);
        await s.CreateShareCodeAsync(NewShareCode("code_due") with { ExpiresAt = now }, Ct);
        await s.CreateShareCodeAsync(NewShareCode("code_live") with { ExpiresAt = now.AddSeconds(1) }, Ct);
        await s.CreateSessionAsync(NewSession("ses_old") with { ExpiresAt = now.AddMinutes(-1) }, Ct);
        await s.CreateSessionAsync(NewSession("ses_live") with { ExpiresAt = now.AddMinutes(1) }, Ct);
        await s.CreateSessionAsync(NewSession("ses_revoked") with { ExpiresAt = now.AddMinutes(1), RevokedAt = T0 }, Ct);
        Assert.True(await s.TryUseNonceAsync("ses_live", "n_old", now.AddSeconds(-30), Ct));
        Assert.True(await s.TryUseNonceAsync("ses_live", "n_live", now.AddSeconds(30), Ct));

        Assert.Equal(4, await s.PurgeExpiredAsync(now, Ct));

        Assert.Equal(0, await s.PurgeExpiredAsync(now, Ct));
        Assert.Null(await s.RedeemShareCodeAsync(Hash("code_old"), Ct));
        Assert.Null(await s.RedeemShareCodeAsync(Hash("code_due"), Ct));
        Assert.NotNull(await s.RedeemShareCodeAsync(Hash("code_live"), Ct));
        Assert.Null(await s.GetSessionAsync("ses_old", Ct));
        Assert.Null(await s.FindSessionAsync(Hash("token_ses_old"), Ct));
        Assert.NotNull(await s.GetSessionAsync("ses_live", Ct));
        Assert.NotNull(await s.GetSessionAsync("ses_revoked", Ct));
        Assert.False(await s.TryUseNonceAsync("ses_live", "n_live", now.AddSeconds(30), Ct));
        Assert.True(await s.TryUseNonceAsync("ses_live", "n_old", now.AddSeconds(30), Ct));
        Assert.NotNull(await s.GetAppClientAsync("app_1", Ct));
    }

    protected static AppClient NewAppClient(string id, string org = "acme", DateTimeOffset? createdAt = null) => new()
    {
        Id = id,
        OrgId = org,
        Name = $"App {id}",
        AllowedOrigins = ["https://app.acme.example"],
        CreatedAt = createdAt ?? T0,
    };

    /// <summary>A share code whose hash is <see cref="Hash"/> of <paramref name="code"/>.</summary>
    protected static ShareCode NewShareCode(string code) => new()
    {
        CodeHash = Hash(code),
        AppClientId = "app_1",
        OrgId = "acme",
        KeyId = "key_a",
        SubjectId = "alice",
        CodeChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        CreatedAt = T0,
        ExpiresAt = T0.AddMinutes(1),
    };

    /// <summary>A session whose token hash is <see cref="Hash"/> of <c>token_</c> plus <paramref name="id"/>.</summary>
    protected static SubjectSession NewSession(string id) => new()
    {
        Id = id,
        TokenHash = Hash("token_" + id),
        HmacKey = Hash("hmac_" + id),
        AppClientId = "app_1",
        OrgId = "acme",
        KeyId = "key_a",
        SubjectId = "alice",
        Origin = "https://app.acme.example",
        CreatedAt = T0,
        ExpiresAt = T0.AddMinutes(15),
    };

    private static void AssertAppClient(AppClient expected, AppClient? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.AllowedOrigins, actual.AllowedOrigins);
        AssertAccess(expected.Access, actual.Access);
        Assert.Equal(expected, actual with { AllowedOrigins = expected.AllowedOrigins, Access = expected.Access });
    }

    private static void AssertShareCode(ShareCode expected, ShareCode? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.CodeHash, actual.CodeHash);
        Assert.Equal(expected, actual with { CodeHash = expected.CodeHash });
    }

    private static void AssertSession(SubjectSession expected, SubjectSession? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.TokenHash, actual.TokenHash);
        Assert.Equal(expected.HmacKey, actual.HmacKey);
        Assert.Equal(expected, actual with { TokenHash = expected.TokenHash, HmacKey = expected.HmacKey });
    }
}
