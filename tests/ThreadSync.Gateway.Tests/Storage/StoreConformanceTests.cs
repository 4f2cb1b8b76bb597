using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Gateway.Tests.Storage;

/// <summary>
/// The behaviour every store backend keeps (SQLite, PostgreSQL): one subclass per backend supplies fresh databases.
/// Time is always a <see cref="FakeTimeProvider"/> that the backend counts quotas by, so windows, days and months are
/// exact; concurrency tests race real tasks and assert only invariants.
/// </summary>
/// <remarks>This file: helpers, orgs, teams, keys, credentials and settings. Quotas and the ledger are in the partial files.</remarks>
public abstract partial class StoreConformanceTests
{
    /// <summary>Mid-minute on a Friday, so slot boundaries and the day's end are distinguishable from "now".</summary>
    protected static readonly DateTimeOffset T0 = new(2025, 3, 14, 10, 0, 30, TimeSpan.Zero);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Creates the stores of a fresh, empty, migrated database that counts time by <paramref name="timeProvider"/>.</summary>
    protected abstract Task<GatewayStores> CreateStoresAsync(TimeProvider timeProvider);

    [Fact]
    public async Task Org_CreateGetListUpdate_RoundTrips()
    {
        var (stores, _) = await StartAsync();
        var g = stores.Governance;
        var acme = new Org
        {
            Id = "acme",
            Name = "Acme",
            Limits = new QuotaLimits { RequestsPerHour = 100, DailyUsd = 12.5m, MonthlyTokens = 9_000_000 },
            Policy = new OrgPolicy
            {
                Access = new AccessRules { AllowedProviders = ["openai", "anthropic"], DeniedModels = ["gpt-4*"] },
                KeyLimitCaps = new QuotaLimits { TokensPerHour = 1000 },
                AuditContent = true,
                AuditContentRetentionDays = 45,
                ConversationCapture = ConversationCapture.Full,
                ConversationRetentionDays = 90,
            },
            CreatedAt = T0,
        };
        var globex = new Org { Id = "globex", Name = "Globex", CreatedAt = T0.AddMinutes(1) };

        Assert.True(await g.CreateOrgAsync(globex, Ct));
        Assert.True(await g.CreateOrgAsync(acme, Ct));

        AssertOrg(acme, await g.GetOrgAsync("acme", Ct));
        AssertOrg(globex, await g.GetOrgAsync("globex", Ct));
        Assert.Null(await g.GetOrgAsync("initech", Ct));
        Assert.Equal(["acme", "globex"], (await g.ListOrgsAsync(Ct)).Select(o => o.Id));

        var updated = acme with { Name = "Acme Corp", Limits = new QuotaLimits { MonthlyUsd = 99.99m }, Policy = OrgPolicy.None };
        Assert.True(await g.UpdateOrgAsync(updated, Ct));
        AssertOrg(updated, await g.GetOrgAsync("acme", Ct));
    }

    [Fact]
    public async Task Org_CreateTakenId_ReturnsFalseAndKeepsTheFirst()
    {
        var (stores, _) = await StartAsync();
        Assert.True(await stores.Governance.CreateOrgAsync(new Org { Id = "acme", Name = "First", CreatedAt = T0 }, Ct));

        Assert.False(await stores.Governance.CreateOrgAsync(new Org { Id = "acme", Name = "Second", CreatedAt = T0 }, Ct));

        Assert.Equal("First", (await stores.Governance.GetOrgAsync("acme", Ct))!.Name);
        Assert.Single(await stores.Governance.ListOrgsAsync(Ct));
    }

    [Fact]
    public async Task Org_UpdateMissing_ReturnsFalseAndCreatesNothing()
    {
        var (stores, _) = await StartAsync();

        Assert.False(await stores.Governance.UpdateOrgAsync(new Org { Id = "ghost", Name = "Ghost", CreatedAt = T0 }, Ct));

        Assert.Empty(await stores.Governance.ListOrgsAsync(Ct));
    }

    [Fact]
    public async Task Team_CreateNeedsAnExistingOrgAndAFreeId()
    {
        var (stores, _) = await StartAsync();
        var g = stores.Governance;
        Assert.False(await g.CreateTeamAsync(new Team { Id = "eng", OrgId = "acme", Name = "Engineering", CreatedAt = T0 }, Ct));
        Assert.Null(await g.GetTeamAsync("eng", Ct));

        await g.CreateOrgAsync(new Org { Id = "acme", Name = "Acme", CreatedAt = T0 }, Ct);
        var eng = new Team { Id = "eng", OrgId = "acme", Name = "Engineering", Limits = new QuotaLimits { DailyUsd = 5m, TokensPerHour = 50_000 }, CreatedAt = T0 };
        Assert.True(await g.CreateTeamAsync(eng, Ct));
        Assert.False(await g.CreateTeamAsync(eng with { Name = "Again" }, Ct));

        AssertTeam(eng, await g.GetTeamAsync("eng", Ct));
    }

    [Fact]
    public async Task Team_ListFiltersByOrgAndUpdateKeepsTheOrg()
    {
        var (stores, _) = await StartAsync();
        var g = stores.Governance;
        await g.CreateOrgAsync(new Org { Id = "acme", Name = "Acme", CreatedAt = T0 }, Ct);
        await g.CreateOrgAsync(new Org { Id = "globex", Name = "Globex", CreatedAt = T0 }, Ct);
        await g.CreateTeamAsync(new Team { Id = "ops", OrgId = "acme", Name = "Ops", CreatedAt = T0 }, Ct);
        await g.CreateTeamAsync(new Team { Id = "eng", OrgId = "acme", Name = "Eng", CreatedAt = T0 }, Ct);
        await g.CreateTeamAsync(new Team { Id = "sales", OrgId = "globex", Name = "Sales", CreatedAt = T0 }, Ct);

        Assert.Equal(["eng", "ops", "sales"], (await g.ListTeamsAsync(cancellationToken: Ct)).Select(t => t.Id));
        Assert.Equal(["eng", "ops"], (await g.ListTeamsAsync("acme", Ct)).Select(t => t.Id));
        Assert.Equal(["sales"], (await g.ListTeamsAsync("globex", Ct)).Select(t => t.Id));
        Assert.Empty(await g.ListTeamsAsync("initech", Ct));

        var limits = new QuotaLimits { MonthlyUsd = 300m };
        Assert.True(await g.UpdateTeamAsync(new Team { Id = "eng", OrgId = "globex", Name = "Engineering", Limits = limits, CreatedAt = T0 }, Ct));
        var eng = await g.GetTeamAsync("eng", Ct);
        Assert.NotNull(eng);
        Assert.Equal("Engineering", eng.Name);
        Assert.Equal(limits, eng.Limits);
        Assert.Equal("acme", eng.OrgId);

        Assert.False(await g.UpdateTeamAsync(new Team { Id = "ghost", OrgId = "acme", Name = "Ghost", CreatedAt = T0 }, Ct));
    }

    [Fact]
    public async Task Key_CreateNeedsItsOrgAndATeamOfThatOrg()
    {
        var (stores, _) = await StartAsync();
        var g = stores.Governance;
        await SeedAsync(g);

        Assert.False(await g.CreateKeyAsync(NewKey("key_x", "initech"), Hash("x1"), Ct));
        Assert.False(await g.CreateKeyAsync(NewKey("key_x", "acme", "nope"), Hash("x2"), Ct));
        Assert.False(await g.CreateKeyAsync(NewKey("key_x", "acme", "sales"), Hash("x3"), Ct)); // sales is globex's
        Assert.Null(await g.GetKeyAsync("key_x", Ct));
        Assert.Null(await g.FindCredentialAsync(Hash("x1"), T0, Ct));

        Assert.False(await g.CreateKeyAsync(NewKey("key_a", "acme", "eng") with { Name = "Again" }, Hash("again"), Ct));
        Assert.Equal("Key key_a", (await g.GetKeyAsync("key_a", Ct))!.Name);
        Assert.Null(await g.FindCredentialAsync(Hash("again"), T0, Ct));
    }

    [Fact]
    public async Task Key_RoundTripsEveryField()
    {
        var (stores, _) = await StartAsync();
        var g = stores.Governance;
        await SeedAsync(g);
        var key = new GatewayKey
        {
            Id = "key_full",
            OrgId = "acme",
            TeamId = "eng",
            Environment = "production",
            Name = "Billing service",
            Hint = "a1b2",
            Tier = "gold",
            Limits = new QuotaLimits { RequestsPerHour = 600, TokensPerHour = 1_000_000, DailyUsd = 0.000000001m, MonthlyUsd = 1234.56789m, DailyTokens = 5, MonthlyTokens = 6 },
            Access = new AccessRules { AllowedProviders = ["openai"], AllowedModels = ["gpt-*", "*mini*"], DeniedModels = ["gpt-4o"] },
            CreatedAt = T0,
        };

        Assert.True(await g.CreateKeyAsync(key, Hash("full"), Ct));

        AssertKey(key, await g.GetKeyAsync("key_full", Ct));
        AssertKey(key, (await g.FindCredentialAsync(Hash("full"), T0, Ct))?.Key);
    }

    [Fact]
    public async Task Key_ListFiltersByOrgAndTeam()
    {
        var (stores, _) = await StartAsync();
        var g = stores.Governance;
        await SeedAsync(g);
        await g.CreateKeyAsync(NewKey("key_c", "acme"), Hash("c"), Ct);
        await g.CreateKeyAsync(NewKey("key_g", "globex", "sales"), Hash("g"), Ct);

        Assert.Equal(["key_a", "key_b", "key_c", "key_g"], (await g.ListKeysAsync(cancellationToken: Ct)).Select(k => k.Id));
        Assert.Equal(["key_a", "key_b", "key_c"], (await g.ListKeysAsync("acme", cancellationToken: Ct)).Select(k => k.Id));
        Assert.Equal(["key_a", "key_b"], (await g.ListKeysAsync(teamId: "eng", cancellationToken: Ct)).Select(k => k.Id));
        Assert.Equal(["key_a", "key_b"], (await g.ListKeysAsync("acme", "eng", Ct)).Select(k => k.Id));
        Assert.Empty(await g.ListKeysAsync("globex", "eng", Ct));
        Assert.Equal(["key_g"], (await g.ListKeysAsync("globex", cancellationToken: Ct)).Select(k => k.Id));
    }

    [Fact]
    public async Task Key_UpdateReplacesSettingsButNotOwnershipHintOrDates()
    {
        var (stores, _) = await StartAsync();
        var g = stores.Governance;
        await SeedAsync(g);
        var original = await g.GetKeyAsync("key_a", Ct);
        Assert.NotNull(original);

        var changed = original with
        {
            OrgId = "globex",
            TeamId = "sales",
            Name = "Renamed",
            Environment = "staging",
            Tier = "silver",
            Hint = "zzzz",
            Limits = new QuotaLimits { DailyTokens = 42 },
            Access = new AccessRules { DeniedModels = ["o1*"] },
            CreatedAt = T0.AddDays(3),
            RotatedAt = T0.AddDays(4),
        };
        Assert.True(await g.UpdateKeyAsync(changed, Ct));

        AssertKey(original with { Name = "Renamed", Environment = "staging", Tier = "silver", Limits = changed.Limits, Access = changed.Access }, await g.GetKeyAsync("key_a", Ct));
        Assert.False(await g.UpdateKeyAsync(changed with { Id = "key_ghost" }, Ct));
        Assert.Null(await g.GetKeyAsync("key_ghost", Ct));
    }

    [Fact]
    public async Task FindCredential_ReturnsTheKeyWithItsTeamAndOrg()
    {
        var (stores, _) = await StartAsync();
        var g = stores.Governance;
        await SeedAsync(g);
        await g.CreateKeyAsync(NewKey("key_solo", "globex"), Hash("solo"), Ct);

        var a = await g.FindCredentialAsync(Hash("key_a"), T0, Ct);
        Assert.NotNull(a);
        Assert.Equal("key_a", a.Key.Id);
        Assert.Equal("eng", a.Team?.Id);
        Assert.Equal(new QuotaLimits { DailyUsd = 50m }, a.Team?.Limits);
        Assert.Equal("acme", a.Org.Id);
        Assert.Equal(new QuotaLimits { DailyUsd = 1m }, a.Org.Limits);

        var solo = await g.FindCredentialAsync(Hash("solo"), T0, Ct);
        Assert.NotNull(solo);
        Assert.Null(solo.Team);
        Assert.Equal("globex", solo.Org.Id);

        Assert.Null(await g.FindCredentialAsync(Hash("never issued"), T0, Ct));
    }

    [Fact]
    public async Task FindCredential_RevokedKey_IsRefusedWhateverTheSecret()
    {
        var (stores, _) = await StartAsync();
        var g = stores.Governance;
        await SeedAsync(g);
        Assert.True(await g.RotateKeyAsync("key_a", Hash("key_a v2"), "v2v2", T0, T0.AddHours(1), Ct));

        Assert.True(await g.RevokeKeyAsync("key_a", T0.AddMinutes(5), Ct));

        Assert.Null(await g.FindCredentialAsync(Hash("key_a"), T0.AddMinutes(6), Ct));
        Assert.Null(await g.FindCredentialAsync(Hash("key_a v2"), T0.AddMinutes(6), Ct));
        Assert.Equal(T0.AddMinutes(5), (await g.GetKeyAsync("key_a", Ct))!.RevokedAt);
        Assert.False(await g.RevokeKeyAsync("key_a", T0.AddMinutes(7), Ct));
        Assert.Equal(T0.AddMinutes(5), (await g.GetKeyAsync("key_a", Ct))!.RevokedAt);
        Assert.False(await g.RevokeKeyAsync("key_ghost", T0, Ct));
        Assert.False(await g.RotateKeyAsync("key_a", Hash("key_a v3"), "v3v3", T0.AddMinutes(8), T0.AddHours(1), Ct));
        Assert.NotNull(await g.FindCredentialAsync(Hash("key_b"), T0.AddMinutes(6), Ct));
    }

    [Fact]
    public async Task FindCredential_RotatedKey_OldSecretWorksUntilTheGraceEndsNewOneAtOnce()
    {
        var (stores, _) = await StartAsync();
        var g = stores.Governance;
        await SeedAsync(g);
        var rotatedAt = T0.AddMinutes(10);
        var graceEnd = T0.AddHours(2);

        Assert.True(await g.RotateKeyAsync("key_a", Hash("key_a v2"), "v2v2", rotatedAt, graceEnd, Ct));

        var key = await g.GetKeyAsync("key_a", Ct);
        Assert.Equal("v2v2", key!.Hint);
        Assert.Equal(rotatedAt, key.RotatedAt);
        Assert.Equal(T0, key.CreatedAt);
        Assert.Equal("key_a", (await g.FindCredentialAsync(Hash("key_a v2"), rotatedAt, Ct))?.Key.Id);
        Assert.Equal("key_a", (await g.FindCredentialAsync(Hash("key_a"), graceEnd.AddSeconds(-1), Ct))?.Key.Id);
        Assert.Null(await g.FindCredentialAsync(Hash("key_a"), graceEnd, Ct));
        Assert.Null(await g.FindCredentialAsync(Hash("key_a"), graceEnd.AddDays(1), Ct));
        Assert.Equal("key_a", (await g.FindCredentialAsync(Hash("key_a v2"), graceEnd.AddDays(365), Ct))?.Key.Id);
        Assert.False(await g.RotateKeyAsync("key_ghost", Hash("ghost"), "host", rotatedAt, graceEnd, Ct));
    }

    [Fact]
    public async Task RotateKey_KeepsAnEarlierExpiryOfOlderSecrets()
    {
        var (stores, _) = await StartAsync();
        var g = stores.Governance;
        await SeedAsync(g);
        Assert.True(await g.RotateKeyAsync("key_a", Hash("v2"), "v2v2", T0, T0.AddHours(1), Ct));

        // The second rotation's grace is longer: the first secret still ends at its own, earlier time.
        Assert.True(await g.RotateKeyAsync("key_a", Hash("v3"), "v3v3", T0.AddMinutes(10), T0.AddHours(5), Ct));

        Assert.NotNull(await g.FindCredentialAsync(Hash("key_a"), T0.AddMinutes(59), Ct));
        Assert.Null(await g.FindCredentialAsync(Hash("key_a"), T0.AddHours(1), Ct));
        Assert.NotNull(await g.FindCredentialAsync(Hash("v2"), T0.AddHours(4), Ct));
        Assert.Null(await g.FindCredentialAsync(Hash("v2"), T0.AddHours(5), Ct));
        Assert.NotNull(await g.FindCredentialAsync(Hash("v3"), T0.AddHours(5), Ct));

        // A shorter grace pulls every older secret in.
        Assert.True(await g.RotateKeyAsync("key_a", Hash("v4"), "v4v4", T0.AddMinutes(20), T0.AddMinutes(30), Ct));
        Assert.Null(await g.FindCredentialAsync(Hash("v2"), T0.AddMinutes(30), Ct));
        Assert.Null(await g.FindCredentialAsync(Hash("v3"), T0.AddMinutes(30), Ct));
        Assert.NotNull(await g.FindCredentialAsync(Hash("v3"), T0.AddMinutes(29), Ct));
        Assert.NotNull(await g.FindCredentialAsync(Hash("v4"), T0.AddHours(6), Ct));
    }

    [Fact]
    public async Task Settings_SetIfAbsent_KeepsTheFirstValue()
    {
        var (stores, _) = await StartAsync();
        var g = stores.Governance;
        Assert.Null(await g.GetSettingAsync("admin_key_hash", Ct));

        Assert.Equal("first", await g.SetSettingIfAbsentAsync("admin_key_hash", "first", Ct));
        Assert.Equal("first", await g.SetSettingIfAbsentAsync("admin_key_hash", "second", Ct));
        Assert.Equal("other", await g.SetSettingIfAbsentAsync("other_setting", "other", Ct));

        Assert.Equal("first", await g.GetSettingAsync("admin_key_hash", Ct));
        Assert.Equal("other", await g.GetSettingAsync("other_setting", Ct));
    }

    [Fact]
    public async Task Settings_RacingSetIfAbsent_AllSeeOneWinner()
    {
        var (stores, _) = await StartAsync();

        var values = await RaceAsync(20, i => stores.Governance.SetSettingIfAbsentAsync("admin_key_hash", $"v{i}", Ct).AsTask());

        Assert.Single(values.Distinct());
        Assert.Equal(values[0], await stores.Governance.GetSettingAsync("admin_key_hash", Ct));
    }

    /// <summary>Fresh stores on a fake clock at <paramref name="start"/> (default <see cref="T0"/>).</summary>
    protected async Task<(GatewayStores Stores, FakeTimeProvider Time)> StartAsync(DateTimeOffset? start = null)
    {
        var time = new FakeTimeProvider(start ?? T0);
        return (await CreateStoresAsync(time), time);
    }

    /// <summary>The SHA-256 of a secret, as the gateway stores it.</summary>
    protected static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Starts <paramref name="count"/> tasks on the thread pool and releases them together.</summary>
    protected static async Task<T[]> RaceAsync<T>(int count, Func<int, Task<T>> body)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(
            async () =>
            {
                await gate.Task;
                return await body(i);
            },
            Ct)).ToArray();
        gate.SetResult();
        return await Task.WhenAll(tasks);
    }

    /// <summary>
    /// Orgs acme (daily $1) and globex; teams eng (acme, daily $50) and sales (globex); keys key_a and key_b in eng
    /// (daily $100), with secrets hashed from their ids.
    /// </summary>
    protected static async Task SeedAsync(IGovernanceStore g)
    {
        Assert.True(await g.CreateOrgAsync(new Org { Id = "acme", Name = "Acme", Limits = new QuotaLimits { DailyUsd = 1m }, CreatedAt = T0 }, Ct));
        Assert.True(await g.CreateOrgAsync(new Org { Id = "globex", Name = "Globex", CreatedAt = T0 }, Ct));
        Assert.True(await g.CreateTeamAsync(new Team { Id = "eng", OrgId = "acme", Name = "Eng", Limits = new QuotaLimits { DailyUsd = 50m }, CreatedAt = T0 }, Ct));
        Assert.True(await g.CreateTeamAsync(new Team { Id = "sales", OrgId = "globex", Name = "Sales", CreatedAt = T0 }, Ct));
        Assert.True(await g.CreateKeyAsync(NewKey("key_a", "acme", "eng") with { Limits = new QuotaLimits { DailyUsd = 100m } }, Hash("key_a"), Ct));
        Assert.True(await g.CreateKeyAsync(NewKey("key_b", "acme", "eng"), Hash("key_b"), Ct));
    }

    protected static GatewayKey NewKey(string id, string orgId, string? teamId = null) => new()
    {
        Id = id,
        OrgId = orgId,
        TeamId = teamId,
        Name = $"Key {id}",
        Hint = id[^4..],
        CreatedAt = T0,
    };

    private static void AssertOrg(Org expected, Org? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Limits, actual.Limits);
        Assert.Equal(expected.Policy.KeyLimitCaps, actual.Policy.KeyLimitCaps);
        Assert.Equal((expected.Policy.AuditContent, expected.Policy.AuditContentRetentionDays), (actual.Policy.AuditContent, actual.Policy.AuditContentRetentionDays));
        Assert.Equal((expected.Policy.ConversationCapture, expected.Policy.ConversationRetentionDays), (actual.Policy.ConversationCapture, actual.Policy.ConversationRetentionDays));
        AssertAccess(expected.Policy.Access, actual.Policy.Access);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
    }

    private static void AssertTeam(Team expected, Team? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.OrgId, actual.OrgId);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Limits, actual.Limits);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
    }

    private static void AssertKey(GatewayKey expected, GatewayKey? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Access = AccessRules.AllowAll }, actual with { Access = AccessRules.AllowAll });
        AssertAccess(expected.Access, actual.Access);
    }

    private static void AssertAccess(AccessRules expected, AccessRules actual)
    {
        Assert.Equal(expected.AllowedProviders, actual.AllowedProviders);
        Assert.Equal(expected.AllowedModels, actual.AllowedModels);
        Assert.Equal(expected.DeniedModels, actual.DeniedModels);
    }
}
