using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Gateway.Tests.Storage;

/// <summary>The usage ledger (reads and aggregates with exact decimal sums), the admin audit log, and migration.</summary>
public abstract partial class StoreConformanceTests
{
    /// <summary>Records over three UTC days, two orgs, several keys and models, with costs that floating point would get wrong.</summary>
    private static readonly UsageRecord[] Ledger =
    [
        Record("u1", T0, input: 100, output: 50, cost: 0.1m, model: "gpt-4o"),
        Record("u2", T0.AddHours(1), input: 10, output: 5, cost: 0.2m, key: "key_b", model: "claude-sonnet"),
        Record("u3", T0.AddDays(1), input: 1, output: 1, cost: 0.0000000375m, model: "gpt-4o") with { Verdict = UsageVerdicts.RateLimited, StatusCode = 429 },
        Record("u4", T0.AddDays(1).AddHours(2), input: 1_000, output: 2_000, cost: 1.23456789012m, key: "key_g", team: "sales", org: "globex", model: "gpt-4o"),
        Record("u5", T0.AddDays(2), input: 0, output: 0, cost: 0m, key: "key_x", team: null, org: "globex", model: null) with { Verdict = UsageVerdicts.Forbidden, StatusCode = 403 },
        Record("u6", T0.AddHours(-13), input: 7, output: 8, cost: 0.3m, model: "claude-sonnet"),
        Record("u7", T0.AddDays(2).AddMinutes(1), input: 3, output: 4, cost: 0.0000000001m, key: "key_b", model: "gpt-4o") with { Verdict = UsageVerdicts.Failed, StatusCode = 502 },
    ];

    public static TheoryData<UsageGrouping> Groupings =>
    [
        UsageGrouping.None,
        UsageGrouping.Key,
        UsageGrouping.Team,
        UsageGrouping.Org,
        UsageGrouping.Model,
        UsageGrouping.Day,
        UsageGrouping.Org | UsageGrouping.Day,
        UsageGrouping.Key | UsageGrouping.Model,
        UsageGrouping.Team | UsageGrouping.Model | UsageGrouping.Day,
        UsageGrouping.Key | UsageGrouping.Team | UsageGrouping.Org | UsageGrouping.Model | UsageGrouping.Day,
    ];

    [Fact]
    public async Task UsageRead_ReturnsEveryFieldOldestFirst()
    {
        var (stores, _) = await StartWithLedgerAsync();

        var all = await ReadAllAsync(stores.Usage, new UsageFilter());

        Assert.Equal(Ledger.OrderBy(r => r.At), all);
    }

    [Fact]
    public async Task UsageRead_AppliesEveryFilter()
    {
        var (stores, _) = await StartWithLedgerAsync();

        Assert.Equal(["u1", "u2"], await IdsAsync(new UsageFilter { From = T0, To = T0.AddDays(1) }));
        Assert.Equal(["u3", "u4", "u5", "u7"], await IdsAsync(new UsageFilter { From = T0.AddDays(1) }));
        Assert.Equal(["u6", "u1"], await IdsAsync(new UsageFilter { To = T0.AddHours(1) }));
        Assert.Equal(["u4", "u5"], await IdsAsync(new UsageFilter { OrgId = "globex" }));
        Assert.Equal(["u6", "u1", "u2", "u3", "u7"], await IdsAsync(new UsageFilter { TeamId = "eng" }));
        Assert.Equal(["u6", "u1", "u3"], await IdsAsync(new UsageFilter { KeyId = "key_a" }));
        Assert.Equal(["u1", "u3", "u4", "u7"], await IdsAsync(new UsageFilter { Model = "gpt-4o" }));
        Assert.Equal(["u6", "u2"], await IdsAsync(new UsageFilter { OrgId = "acme", Model = "claude-sonnet" }));
        Assert.Equal(["u3"], await IdsAsync(new UsageFilter { From = T0.AddHours(2), To = T0.AddDays(2), OrgId = "acme", TeamId = "eng", KeyId = "key_a", Model = "gpt-4o" }));
        Assert.Empty(await IdsAsync(new UsageFilter { KeyId = "key_nobody" }));

        async Task<string[]> IdsAsync(UsageFilter filter) => [.. (await ReadAllAsync(stores.Usage, filter)).Select(r => r.CorrelationId)];
    }

    [Theory]
    [MemberData(nameof(Groupings))]
    public async Task UsageAggregate_GroupsAndSumsExactly(UsageGrouping groupBy)
    {
        var (stores, _) = await StartWithLedgerAsync();

        var actual = await stores.Usage.AggregateAsync(new UsageFilter(), groupBy, Ct);

        Assert.Equal(Expected(Ledger, groupBy), Sorted(actual));
        Assert.Equal(1.83456792772m, actual.Sum(a => a.CostUsd));
        Assert.Equal(Ledger.Length, actual.Sum(a => a.Requests));
        Assert.Equal(3, actual.Sum(a => a.Refused));
    }

    [Fact]
    public async Task UsageAggregate_AppliesTheFilter()
    {
        var (stores, _) = await StartWithLedgerAsync();
        var filter = new UsageFilter { From = T0.AddHours(-1), To = T0.AddDays(3), OrgId = "acme" };

        var byKeyAndDay = await stores.Usage.AggregateAsync(filter, UsageGrouping.Key | UsageGrouping.Day, Ct);

        Assert.Equal(
            [
                new UsageAggregate { KeyId = "key_a", Day = new DateOnly(2025, 3, 14), Requests = 1, InputTokens = 100, OutputTokens = 50, CostUsd = 0.1m },
                new UsageAggregate { KeyId = "key_a", Day = new DateOnly(2025, 3, 15), Requests = 1, Refused = 1, InputTokens = 1, OutputTokens = 1, CostUsd = 0.0000000375m },
                new UsageAggregate { KeyId = "key_b", Day = new DateOnly(2025, 3, 14), Requests = 1, InputTokens = 10, OutputTokens = 5, CostUsd = 0.2m },
                new UsageAggregate { KeyId = "key_b", Day = new DateOnly(2025, 3, 16), Requests = 1, Refused = 1, InputTokens = 3, OutputTokens = 4, CostUsd = 0.0000000001m },
            ],
            Sorted(byKeyAndDay));
        Assert.Empty(await stores.Usage.AggregateAsync(new UsageFilter { OrgId = "initech" }, UsageGrouping.None, Ct));
        Assert.Empty(await stores.Usage.AggregateAsync(new UsageFilter { OrgId = "initech" }, UsageGrouping.Model, Ct));
    }

    [Fact]
    public async Task AdminAudit_ListsNewestFirstUpToTheLimit()
    {
        var (stores, _) = await StartAsync();
        var entries = Enumerable.Range(1, 3).Select(i => new AdminAuditEntry
        {
            At = T0.AddMinutes(i),
            CorrelationId = $"corr-{i}",
            Actor = "admin",
            Action = i == 2 ? "key.rotate" : "org.create",
            TargetId = $"target-{i}",
            StatusCode = i == 3 ? 409 : 200,
            Details = i == 1 ? null : $$"""{"name":"n{{i}}"}""",
        }).ToArray();
        foreach (var entry in entries)
        {
            await stores.AdminAudit.AppendAsync(entry, Ct);
        }

        Assert.Equal([entries[2], entries[1]], await stores.AdminAudit.ListAsync(2, Ct));
        Assert.Equal([entries[2], entries[1], entries[0]], await stores.AdminAudit.ListAsync(10, Ct));
        Assert.Empty(await stores.AdminAudit.ListAsync(0, Ct));
    }

    [Fact]
    public async Task Migrate_Again_IsHarmlessAndKeepsTheData()
    {
        var (stores, _) = await StartSeededAsync();
        await stores.Quotas.ReserveAsync(new QuotaReservation("r1", Scopes(key: QuotaLimits.None), 5, 5, Hold), Ct);
        await stores.Usage.AppendAsync(Ledger[0], Ct);

        await stores.Migrator.MigrateAsync(Ct);
        await stores.Migrator.MigrateAsync(Ct);

        Assert.Equal(["key_a", "key_b"], (await stores.Governance.ListKeysAsync(cancellationToken: Ct)).Select(k => k.Id));
        Assert.Equal(new QuotaCounts(1, 5, 5, 5, 5, 5), await stores.Quotas.GetCountsAsync(QuotaScopeKind.Key, "key_a", Ct));
        Assert.Equal([Ledger[0]], await ReadAllAsync(stores.Usage, new UsageFilter()));
        Assert.True(await stores.Quotas.SettleAsync("r1", Ledger[0], Ct));
    }

    /// <summary>A ledger record of key_a (team eng, org acme) unless told otherwise.</summary>
    protected static UsageRecord Record(string correlationId, DateTimeOffset at, long input, long output, decimal cost, string key = "key_a", string? team = "eng", string? org = "acme", string? model = "gpt-4o-mini") => new()
    {
        At = at,
        CorrelationId = correlationId,
        KeyId = key,
        TeamId = team,
        OrgId = org,
        Endpoint = "/v1/chat/completions",
        Model = model,
        Provider = model is null ? null : model.StartsWith("claude", StringComparison.Ordinal) ? "anthropic" : "openai",
        InputTokens = input,
        OutputTokens = output,
        CostUsd = cost,
        LatencyMs = 1_234,
        Verdict = UsageVerdicts.Ok,
        StatusCode = 200,
    };

    protected static async Task<List<UsageRecord>> ReadAllAsync(IUsageLedger ledger, UsageFilter filter)
    {
        var records = new List<UsageRecord>();
        await foreach (var record in ledger.ReadAsync(filter, Ct))
        {
            records.Add(record);
        }

        return records;
    }

    private static List<UsageAggregate> Expected(IEnumerable<UsageRecord> records, UsageGrouping groupBy) => Sorted(records
        .GroupBy(r => (
            Key: groupBy.HasFlag(UsageGrouping.Key) ? r.KeyId : null,
            Team: groupBy.HasFlag(UsageGrouping.Team) ? r.TeamId : null,
            Org: groupBy.HasFlag(UsageGrouping.Org) ? r.OrgId : null,
            Model: groupBy.HasFlag(UsageGrouping.Model) ? r.Model : null,
            Day: groupBy.HasFlag(UsageGrouping.Day) ? DateOnly.FromDateTime(r.At.UtcDateTime) : (DateOnly?)null))
        .Select(g => new UsageAggregate
        {
            KeyId = g.Key.Key,
            TeamId = g.Key.Team,
            OrgId = g.Key.Org,
            Model = g.Key.Model,
            Day = g.Key.Day,
            Requests = g.Count(),
            Refused = g.Count(r => r.Verdict != UsageVerdicts.Ok),
            InputTokens = g.Sum(r => r.InputTokens),
            OutputTokens = g.Sum(r => r.OutputTokens),
            CostUsd = g.Sum(r => r.CostUsd),
        }));

    private static List<UsageAggregate> Sorted(IEnumerable<UsageAggregate> aggregates) =>
        [.. aggregates.OrderBy(a => (a.KeyId, a.TeamId, a.OrgId, a.Model, a.Day))];

    private async Task<(GatewayStores Stores, Microsoft.Extensions.Time.Testing.FakeTimeProvider Time)> StartWithLedgerAsync()
    {
        var started = await StartAsync();

        // Out of time order, so "oldest first" is the store's doing.
        foreach (var record in Ledger.Reverse())
        {
            await started.Stores.Usage.AppendAsync(record, Ct);
        }

        return started;
    }
}
