using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Gateway.Tests.Storage;

/// <summary>Reservations: limits across key, team and org, the sliding hour, UTC days and months, settlement and expiry.</summary>
public abstract partial class StoreConformanceTests
{
    /// <summary>Long enough that no test's clock outruns it, except where expiry is the point.</summary>
    protected static readonly TimeSpan Hold = TimeSpan.FromDays(2);

    [Fact]
    public async Task Reserve_HundredRacingRequests_GrantsExactlyTheHourlyLimit()
    {
        var (stores, _) = await StartSeededAsync();
        var scopes = Scopes(key: new QuotaLimits { RequestsPerHour = 10 });

        var decisions = await RaceAsync(100, i => stores.Quotas.ReserveAsync(new QuotaReservation($"r{i}", scopes, 10, 0, Hold), Ct).AsTask());

        Assert.Equal(10, decisions.Count(d => d.Granted));
        Assert.All(decisions.Where(d => !d.Granted), d =>
        {
            Assert.Equal(QuotaScopeKind.Key, d.DeniedScope);
            Assert.Equal("key_a", d.DeniedScopeId);
            Assert.Equal(QuotaLimitKind.RequestsPerHour, d.DeniedLimit);
            Assert.True(d.RetryAfter > TimeSpan.Zero);

            // All ten were counted in T0's minute slot, which stops counting 61 minutes after it began.
            Assert.Equal(TimeSpan.FromMinutes(61) - TimeSpan.FromSeconds(30), d.RetryAfter);
            Assert.Equal(new QuotaRate(10, 0, TimeSpan.FromMinutes(61) - TimeSpan.FromSeconds(30)), d.Requests);
        });
        Assert.Equal(10, (await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct)).RequestsThisHour);
        Assert.Equal(10, (await stores.Quotas.GetCountsAsync(QuotaScopeKind.Org, "acme", Ct)).RequestsThisHour);
        Assert.Equal(100, (await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct)).TokensThisHour);
    }

    [Fact]
    public async Task Reserve_HundredRacingRequests_NeverSpendPastTheTightestBudget()
    {
        var (stores, _) = await StartSeededAsync();
        var scopes = Scopes(
            key: new QuotaLimits { DailyUsd = 100m },
            team: new QuotaLimits { DailyUsd = 50m },
            org: new QuotaLimits { DailyUsd = 1m });
        var cost = NanoUsd.FromUsd(0.03m);

        var decisions = await RaceAsync(100, i => stores.Quotas.ReserveAsync(new QuotaReservation($"r{i}", scopes, 7, cost, Hold), Ct).AsTask());

        var granted = decisions.Count(d => d.Granted);
        Assert.Equal(33, granted);
        Assert.True(granted * cost <= NanoUsd.FromUsd(1m));
        Assert.All(decisions.Where(d => !d.Granted), d =>
        {
            Assert.Equal(QuotaScopeKind.Org, d.DeniedScope);
            Assert.Equal("acme", d.DeniedScopeId);
            Assert.Equal(QuotaLimitKind.DailyUsd, d.DeniedLimit);
            Assert.Equal(new DateTimeOffset(2025, 3, 15, 0, 0, 0, TimeSpan.Zero) - T0, d.RetryAfter);
        });
        foreach (var (kind, id) in new[] { (QuotaScopeKind.Key, "key_a"), (QuotaScopeKind.Team, "eng"), (QuotaScopeKind.Org, "acme") })
        {
            var counts = await stores.Quotas.GetCountsAsync(kind, id, Ct);
            Assert.Equal(new QuotaCounts(granted, granted * 7, granted * 7, granted * 7, granted * cost, granted * cost), counts);
        }
    }

    [Fact]
    public async Task Reserve_RefusedByTheOrg_LeavesKeyAndTeamUntouched()
    {
        var (stores, _) = await StartSeededAsync();
        var scopes = Scopes(key: new QuotaLimits { RequestsPerHour = 100, DailyUsd = 10m }, team: QuotaLimits.None, org: new QuotaLimits { DailyTokens = 1000 });
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("r1", scopes, 800, 5_000, Hold), Ct)).Granted);
        var keyBefore = await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct);
        var teamBefore = await stores.Quotas.GetCountsAsync(QuotaScopeKind.Team, "eng", Ct);

        var refused = await stores.Quotas.ReserveAsync(new QuotaReservation("r2", scopes, 300, 5_000, Hold), Ct);

        Assert.False(refused.Granted);
        Assert.Equal(QuotaScopeKind.Org, refused.DeniedScope);
        Assert.Equal(QuotaLimitKind.DailyTokens, refused.DeniedLimit);
        Assert.Equal(new QuotaCounts(1, 800, 800, 800, 5_000, 5_000), keyBefore);
        Assert.Equal(keyBefore, await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct));
        Assert.Equal(teamBefore, await stores.Quotas.GetCountsAsync(QuotaScopeKind.Team, "eng", Ct));
        Assert.Equal(new QuotaCounts(1, 800, 800, 800, 5_000, 5_000), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Org, "acme", Ct));
    }

    [Fact]
    public async Task Reserve_SeveralLimitsFail_ReportsTheFirstScopeThenTheFirstLimit()
    {
        var (stores, _) = await StartSeededAsync();
        var key = new QuotaScope(QuotaScopeKind.Key, "key_a", new QuotaLimits { RequestsPerHour = 1, DailyTokens = 10, MonthlyUsd = 0.000001m });
        var team = new QuotaScope(QuotaScopeKind.Team, "eng", new QuotaLimits { RequestsPerHour = 1 });
        var org = new QuotaScope(QuotaScopeKind.Org, "acme", new QuotaLimits { RequestsPerHour = 1, TokensPerHour = 10 });
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("r1", [org, team, key], 10, 1_000, Hold), Ct)).Granted);

        // Every scope and several limits now refuse; scopes are checked key, team, org whatever their order here.
        var refused = await stores.Quotas.ReserveAsync(new QuotaReservation("r2", [org, team, key], 10, 1_000, Hold), Ct);

        Assert.False(refused.Granted);
        Assert.Equal(QuotaScopeKind.Key, refused.DeniedScope);
        Assert.Equal("key_a", refused.DeniedScopeId);
        Assert.Equal(QuotaLimitKind.RequestsPerHour, refused.DeniedLimit);

        // Within one scope, limits are checked in QuotaLimitKind order.
        var budgetsOnly = new QuotaScope(QuotaScopeKind.Key, "key_b", new QuotaLimits { MonthlyUsd = 0.000001m, DailyTokens = 10, MonthlyTokens = 10 });
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("r3", [budgetsOnly], 10, 1_000, Hold), Ct)).Granted);
        var second = await stores.Quotas.ReserveAsync(new QuotaReservation("r4", [budgetsOnly], 10, 1_000, Hold), Ct);
        Assert.Equal(QuotaLimitKind.DailyTokens, second.DeniedLimit);
    }

    [Fact]
    public async Task Reserve_ReportsTheTightestRateOnGrantsAndRefusals()
    {
        var (stores, time) = await StartSeededAsync();
        var scopes = Scopes(
            key: new QuotaLimits { RequestsPerHour = 10, TokensPerHour = 100 },
            team: new QuotaLimits { TokensPerHour = 1_000 },
            org: new QuotaLimits { RequestsPerHour = 3 });

        var first = await stores.Quotas.ReserveAsync(new QuotaReservation("r1", scopes, 40, 0, Hold), Ct);

        Assert.True(first.Granted);
        Assert.Null(first.DeniedScope);
        var reset = TimeSpan.FromMinutes(61) - TimeSpan.FromSeconds(30);
        Assert.Equal(new QuotaRate(3, 2, reset), first.Requests);
        Assert.Equal(new QuotaRate(100, 60, reset), first.Tokens);

        time.Advance(TimeSpan.FromMinutes(5));
        await stores.Quotas.ReserveAsync(new QuotaReservation("r2", scopes, 40, 0, Hold), Ct);
        var refused = await stores.Quotas.ReserveAsync(new QuotaReservation("r3", scopes, 40, 0, Hold), Ct);

        Assert.False(refused.Granted);
        Assert.Equal(QuotaScopeKind.Key, refused.DeniedScope);
        Assert.Equal(QuotaLimitKind.TokensPerHour, refused.DeniedLimit);
        Assert.Equal(reset - TimeSpan.FromMinutes(5), refused.RetryAfter);
        Assert.Equal(new QuotaRate(3, 1, reset - TimeSpan.FromMinutes(5)), refused.Requests);
        Assert.Equal(new QuotaRate(100, 20, reset - TimeSpan.FromMinutes(5)), refused.Tokens);
    }

    [Fact]
    public async Task Reserve_WithoutLimits_GrantsAndStillCounts()
    {
        var (stores, _) = await StartSeededAsync();
        var scopes = Scopes(key: QuotaLimits.None, team: QuotaLimits.None, org: QuotaLimits.None);

        var decision = await stores.Quotas.ReserveAsync(new QuotaReservation("r1", scopes, 123, 456, Hold), Ct);

        Assert.True(decision.Granted);
        Assert.Null(decision.Requests);
        Assert.Null(decision.Tokens);
        Assert.Equal(new QuotaCounts(1, 123, 123, 123, 456, 456), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Team, "eng", Ct));
        Assert.Equal(new QuotaCounts(0, 0, 0, 0, 0, 0), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Team, "sales", Ct));
        Assert.Equal(new QuotaCounts(0, 0, 0, 0, 0, 0), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Org, "eng", Ct));
    }

    [Fact]
    public async Task Settle_ReplacesTheHoldWithActualsAndFreesBudget()
    {
        var (stores, _) = await StartSeededAsync();
        var scopes = Scopes(key: new QuotaLimits { DailyUsd = 1m });
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("r1", scopes, 4_000, NanoUsd.FromUsd(0.6m), Hold), Ct)).Granted);
        var refused = await stores.Quotas.ReserveAsync(new QuotaReservation("r2", scopes, 4_000, NanoUsd.FromUsd(0.6m), Hold), Ct);
        Assert.False(refused.Granted);

        var record = Record("r1", T0, input: 100, output: 50, cost: 0.1m);
        Assert.True(await stores.Quotas.SettleAsync("r1", record, Ct));

        var expected = new QuotaCounts(1, 150, 150, 150, NanoUsd.FromUsd(0.1m), NanoUsd.FromUsd(0.1m));
        Assert.Equal(expected, await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct));
        Assert.Equal(expected, await stores.Quotas.GetCountsAsync(QuotaScopeKind.Org, "acme", Ct));
        Assert.Equal([record], await ReadAllAsync(stores.Usage, new UsageFilter()));
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("r3", scopes, 4_000, NanoUsd.FromUsd(0.6m), Hold), Ct)).Granted);
    }

    [Fact]
    public async Task Settle_AboveTheHold_CountsTheActuals()
    {
        var (stores, _) = await StartSeededAsync();
        var scopes = Scopes(key: new QuotaLimits { DailyTokens = 1_000 });
        await stores.Quotas.ReserveAsync(new QuotaReservation("r1", scopes, 100, 1_000, Hold), Ct);

        Assert.True(await stores.Quotas.SettleAsync("r1", Record("r1", T0, input: 300, output: 400, cost: 0.000002m), Ct));

        Assert.Equal(new QuotaCounts(1, 700, 700, 700, 2_000, 2_000), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct));
        var refused = await stores.Quotas.ReserveAsync(new QuotaReservation("r2", scopes, 301, 0, Hold), Ct);
        Assert.Equal(QuotaLimitKind.DailyTokens, refused.DeniedLimit);
    }

    [Fact]
    public async Task Settle_Twice_ReturnsFalseAndCountsOnce()
    {
        var (stores, _) = await StartSeededAsync();
        var scopes = Scopes(key: new QuotaLimits { DailyUsd = 1m });
        await stores.Quotas.ReserveAsync(new QuotaReservation("r1", scopes, 1_000, NanoUsd.FromUsd(0.5m), Hold), Ct);
        var record = Record("r1", T0, input: 10, output: 20, cost: 0.2m);
        Assert.True(await stores.Quotas.SettleAsync("r1", record, Ct));

        Assert.False(await stores.Quotas.SettleAsync("r1", record, Ct));

        Assert.Equal(new QuotaCounts(1, 30, 30, 30, NanoUsd.FromUsd(0.2m), NanoUsd.FromUsd(0.2m)), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct));
        Assert.Equal([record, record], await ReadAllAsync(stores.Usage, new UsageFilter()));
    }

    [Fact]
    public async Task Settle_UnknownId_AppendsTheRecordOnly()
    {
        var (stores, _) = await StartSeededAsync();
        var scopes = Scopes(key: QuotaLimits.None);
        await stores.Quotas.ReserveAsync(new QuotaReservation("r1", scopes, 1_000, 1_000, Hold), Ct);
        var record = Record("ghost", T0, input: 10, output: 20, cost: 0.2m);

        Assert.False(await stores.Quotas.SettleAsync("ghost", record, Ct));

        Assert.Equal([record], await ReadAllAsync(stores.Usage, new UsageFilter()));
        Assert.Equal(new QuotaCounts(1, 1_000, 1_000, 1_000, 1_000, 1_000), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct));
    }

    [Fact]
    public async Task Settle_AfterMidnight_AdjustsTheDayTheHoldWasCountedIn()
    {
        var start = new DateTimeOffset(2025, 3, 14, 23, 59, 0, TimeSpan.Zero);
        var (stores, time) = await StartSeededAsync(start);
        var scopes = Scopes(key: new QuotaLimits { DailyUsd = 1m, MonthlyUsd = 100m, TokensPerHour = 10_000 });
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("r1", scopes, 5_000, NanoUsd.FromUsd(0.9m), Hold), Ct)).Granted);
        time.Advance(TimeSpan.FromMinutes(2));

        Assert.True(await stores.Quotas.SettleAsync("r1", Record("r1", start, input: 1_000, output: 0, cost: 0.2m), Ct));

        // Today never saw the hold, so it must not see its settlement either; the month and the hour do.
        Assert.Equal(new QuotaCounts(1, 1_000, 0, 1_000, 0, NanoUsd.FromUsd(0.2m)), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct));
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("r2", scopes, 100, NanoUsd.FromUsd(1m), Hold), Ct)).Granted);
    }

    [Fact]
    public async Task Reserve_SlidingHour_CountsTheCurrentMinuteAndTheSixtyBefore()
    {
        var (stores, time) = await StartSeededAsync();
        var scopes = Scopes(key: new QuotaLimits { RequestsPerHour = 10 });
        for (var i = 0; i < 10; i++)
        {
            Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation($"a{i}", scopes, 1, 0, Hold), Ct)).Granted);
        }

        time.Advance(TimeSpan.FromMinutes(59));
        var at59 = await stores.Quotas.ReserveAsync(new QuotaReservation("b59", scopes, 1, 0, Hold), Ct);
        Assert.False(at59.Granted);
        Assert.Equal(TimeSpan.FromSeconds(90), at59.RetryAfter);

        time.Advance(TimeSpan.FromMinutes(1));
        var at60 = await stores.Quotas.ReserveAsync(new QuotaReservation("b60", scopes, 1, 0, Hold), Ct);
        Assert.False(at60.Granted); // T0's slot still counts: conservative, never more than 10 in any 60 minutes.
        Assert.Equal(TimeSpan.FromSeconds(30), at60.RetryAfter);

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("b61", scopes, 1, 0, Hold), Ct)).Granted);
        Assert.Equal(1, (await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct)).RequestsThisHour);
    }

    [Fact]
    public async Task Reserve_SlidingHour_RetryAfterWaitsForEnoughSlotsToSlideOut()
    {
        var (stores, time) = await StartSeededAsync();
        var scopes = Scopes(key: new QuotaLimits { RequestsPerHour = 10 });
        for (var i = 0; i < 5; i++)
        {
            await stores.Quotas.ReserveAsync(new QuotaReservation($"a{i}", scopes, 1, 0, Hold), Ct);
        }

        time.Advance(TimeSpan.FromMinutes(30)); // 10:30:30
        for (var i = 0; i < 5; i++)
        {
            await stores.Quotas.ReserveAsync(new QuotaReservation($"b{i}", scopes, 1, 0, Hold), Ct);
        }

        Assert.Equal(TimeSpan.FromMinutes(31) - TimeSpan.FromSeconds(30), (await stores.Quotas.ReserveAsync(new QuotaReservation("c", scopes, 1, 0, Hold), Ct)).RetryAfter);

        time.Advance(TimeSpan.FromMinutes(31)); // 11:01:30: the 10:00 slot has slid out, the 10:30 one has not.
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation($"d{i}", scopes, 1, 0, Hold), Ct)).Granted);
        }

        var refused = await stores.Quotas.ReserveAsync(new QuotaReservation("e", scopes, 1, 0, Hold), Ct);
        Assert.False(refused.Granted);
        Assert.Equal(TimeSpan.FromMinutes(29) + TimeSpan.FromSeconds(30), refused.RetryAfter); // until 11:31
    }

    [Fact]
    public async Task Reserve_TokensPerHour_CountsHoldsAndRefusesWhatCanNeverFit()
    {
        var (stores, time) = await StartSeededAsync();
        var scopes = Scopes(key: QuotaLimits.None, team: new QuotaLimits { TokensPerHour = 1_000 });
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("r1", scopes, 600, 0, Hold), Ct)).Granted);
        time.Advance(TimeSpan.FromMinutes(10));

        var refused = await stores.Quotas.ReserveAsync(new QuotaReservation("r2", scopes, 600, 0, Hold), Ct);
        Assert.False(refused.Granted);
        Assert.Equal(QuotaScopeKind.Team, refused.DeniedScope);
        Assert.Equal(QuotaLimitKind.TokensPerHour, refused.DeniedLimit);
        Assert.Equal(TimeSpan.FromMinutes(51) - TimeSpan.FromSeconds(30), refused.RetryAfter);
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("r3", scopes, 400, 0, Hold), Ct)).Granted);

        var tooBig = await stores.Quotas.ReserveAsync(new QuotaReservation("r4", scopes, 1_001, 0, Hold), Ct);
        Assert.Equal(QuotaLimitKind.TokensPerHour, tooBig.DeniedLimit);
        Assert.Equal(TimeSpan.FromHours(1), tooBig.RetryAfter);

        // Settling lower frees the hour's tokens at once.
        Assert.True(await stores.Quotas.SettleAsync("r1", Record("r1", T0, input: 100, output: 0, cost: 0m), Ct));
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("r5", scopes, 500, 0, Hold), Ct)).Granted);
        Assert.Equal(1_000, (await stores.Quotas.GetCountsAsync(QuotaScopeKind.Team, "eng", Ct)).TokensThisHour);
    }

    [Fact]
    public async Task Reserve_DailyBudget_ResetsAtUtcMidnight()
    {
        var (stores, time) = await StartSeededAsync();
        var scopes = Scopes(key: new QuotaLimits { DailyUsd = 1m, DailyTokens = 1_000_000 });
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("r1", scopes, 10, NanoUsd.FromUsd(1m), Hold), Ct)).Granted);
        var midnight = new DateTimeOffset(2025, 3, 15, 0, 0, 0, TimeSpan.Zero);

        var refused = await stores.Quotas.ReserveAsync(new QuotaReservation("r2", scopes, 10, 1, Hold), Ct);
        Assert.Equal(QuotaLimitKind.DailyUsd, refused.DeniedLimit);
        Assert.Equal(midnight - T0, refused.RetryAfter);

        time.SetUtcNow(midnight.AddSeconds(-1));
        var late = await stores.Quotas.ReserveAsync(new QuotaReservation("r3", scopes, 10, 1, Hold), Ct);
        Assert.False(late.Granted);
        Assert.Equal(TimeSpan.FromSeconds(1), late.RetryAfter);

        time.SetUtcNow(midnight);
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("r4", scopes, 10, NanoUsd.FromUsd(1m), Hold), Ct)).Granted);
        var counts = await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct);
        Assert.Equal(NanoUsd.FromUsd(1m), counts.CostNanoUsdToday);
        Assert.Equal(NanoUsd.FromUsd(2m), counts.CostNanoUsdThisMonth);
        Assert.Equal(10, counts.TokensToday);
    }

    [Fact]
    public async Task Reserve_MonthlyBudget_ResetsAtTheMonthStart()
    {
        var start = new DateTimeOffset(2025, 1, 30, 23, 0, 0, TimeSpan.Zero);
        var (stores, time) = await StartSeededAsync(start);
        var scopes = Scopes(key: QuotaLimits.None, org: new QuotaLimits { MonthlyUsd = 1m, MonthlyTokens = 1_000 });
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("r1", scopes, 10, NanoUsd.FromUsd(1m), Hold), Ct)).Granted);

        time.Advance(TimeSpan.FromHours(1)); // Jan 31: a new day, the same month.
        var refused = await stores.Quotas.ReserveAsync(new QuotaReservation("r2", scopes, 10, 1, Hold), Ct);
        Assert.Equal(QuotaScopeKind.Org, refused.DeniedScope);
        Assert.Equal(QuotaLimitKind.MonthlyUsd, refused.DeniedLimit);
        Assert.Equal(TimeSpan.FromDays(1), refused.RetryAfter);
        var tokens = await stores.Quotas.ReserveAsync(new QuotaReservation("r3", scopes, 991, 0, Hold), Ct);
        Assert.Equal(QuotaLimitKind.MonthlyTokens, tokens.DeniedLimit);
        Assert.Equal(TimeSpan.FromDays(1), tokens.RetryAfter);

        time.Advance(TimeSpan.FromDays(1)); // Feb 1, 00:00
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("r4", scopes, 1_000, NanoUsd.FromUsd(1m), Hold), Ct)).Granted);
        Assert.Equal(new QuotaCounts(1, 1_000, 1_000, 1_000, NanoUsd.FromUsd(1m), NanoUsd.FromUsd(1m)), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Org, "acme", Ct));
    }

    [Fact]
    public async Task Reserve_ExpiredHold_IsReleasedButItsRequestStaysCounted()
    {
        var (stores, time) = await StartSeededAsync();
        var scopes = Scopes(key: new QuotaLimits { DailyUsd = 1m, RequestsPerHour = 2 });
        var holdFor = TimeSpan.FromMinutes(5);
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("r1", scopes, 500, NanoUsd.FromUsd(0.8m), holdFor), Ct)).Granted);

        time.Advance(holdFor - TimeSpan.FromSeconds(1));
        Assert.Equal(QuotaLimitKind.DailyUsd, (await stores.Quotas.ReserveAsync(new QuotaReservation("r2", scopes, 500, NanoUsd.FromUsd(0.8m), holdFor), Ct)).DeniedLimit);

        // Reserving alone must release it (nothing else has looked at the counts since it expired).
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await stores.Quotas.ReserveAsync(new QuotaReservation("r3", scopes, 500, NanoUsd.FromUsd(0.8m), holdFor), Ct)).Granted);
        Assert.Equal(new QuotaCounts(2, 500, 500, 500, NanoUsd.FromUsd(0.8m), NanoUsd.FromUsd(0.8m)), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct));
        Assert.Equal(QuotaLimitKind.RequestsPerHour, (await stores.Quotas.ReserveAsync(new QuotaReservation("r4", scopes, 1, 1, holdFor), Ct)).DeniedLimit);

        // Counting alone releases it too.
        time.Advance(holdFor);
        Assert.Equal(new QuotaCounts(2, 0, 0, 0, 0, 0), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct));
    }

    [Fact]
    public async Task Settle_AfterTheHoldWasReleased_CountsTheActuals()
    {
        var (stores, time) = await StartSeededAsync();
        var scopes = Scopes(key: new QuotaLimits { DailyUsd = 1m });
        await stores.Quotas.ReserveAsync(new QuotaReservation("r1", scopes, 500, NanoUsd.FromUsd(0.8m), TimeSpan.FromMinutes(1)), Ct);
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(new QuotaCounts(1, 0, 0, 0, 0, 0), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct));

        // The instance was slow, not dead: what the request used still counts, once.
        var record = Record("r1", T0, input: 200, output: 100, cost: 0.3m);
        Assert.True(await stores.Quotas.SettleAsync("r1", record, Ct));
        Assert.False(await stores.Quotas.SettleAsync("r1", record, Ct));

        Assert.Equal(new QuotaCounts(1, 300, 300, 300, NanoUsd.FromUsd(0.3m), NanoUsd.FromUsd(0.3m)), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct));
    }

    [Fact]
    public async Task GetCounts_UnknownScope_IsAllZero()
    {
        var (stores, _) = await StartAsync();

        Assert.Equal(new QuotaCounts(0, 0, 0, 0, 0, 0), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_nobody", Ct));
    }

    /// <summary>Seeded stores (see <see cref="SeedAsync"/>) on a fake clock.</summary>
    protected async Task<(GatewayStores Stores, Microsoft.Extensions.Time.Testing.FakeTimeProvider Time)> StartSeededAsync(DateTimeOffset? start = null)
    {
        var started = await StartAsync(start);
        await SeedAsync(started.Stores.Governance);
        return started;
    }

    /// <summary>The scopes of key_a: itself, its team eng and its org acme, each with the given limits (none where not given).</summary>
    protected static QuotaScope[] Scopes(QuotaLimits key, QuotaLimits? team = null, QuotaLimits? org = null) =>
    [
        new(QuotaScopeKind.Key, "key_a", key),
        new(QuotaScopeKind.Team, "eng", team ?? QuotaLimits.None),
        new(QuotaScopeKind.Org, "acme", org ?? QuotaLimits.None),
    ];
}
