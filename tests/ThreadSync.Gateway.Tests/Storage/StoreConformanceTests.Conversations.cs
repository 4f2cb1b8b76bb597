using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;

namespace ThreadSync.Gateway.Tests.Storage;

/// <summary>
/// Conversations: create and read, optimistic appends that keep turns dense under racing writers on several instances,
/// summaries, sharing, listing with keyset pages, deletion, retention purges and export.
/// </summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task ConversationCreate_GetsItBackWithNoTurns()
    {
        var (stores, _) = await StartAsync();
        var c = NewConversation("conv_1", title: "Trip plans", shared: true);

        Assert.True(await stores.Conversations.CreateAsync(c, Ct));

        Assert.Equal(c, await stores.Conversations.GetAsync("conv_1", Ct));
        Assert.Null(await stores.Conversations.GetAsync("conv_2", Ct));
        Assert.Empty(await stores.Conversations.ListTurnsAsync("conv_1", 0, Ct));
        Assert.Equal(-1, c.SummaryThrough);
    }

    [Fact]
    public async Task ConversationCreate_TakenId_ReturnsFalseAndKeepsTheFirst()
    {
        var (stores, _) = await StartAsync();
        Assert.True(await stores.Conversations.CreateAsync(NewConversation("conv_1", title: "First"), Ct));

        Assert.False(await stores.Conversations.CreateAsync(NewConversation("conv_1", subject: "bob", title: "Second"), Ct));

        var kept = await stores.Conversations.GetAsync("conv_1", Ct);
        Assert.Equal(("First", "alice"), (kept!.Title, kept.SubjectId));
    }

    [Fact]
    public async Task ConversationCreate_WithTurnsOrASummary_Throws()
    {
        var (stores, _) = await StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => stores.Conversations.CreateAsync(NewConversation("c") with { TurnCount = 2 }, Ct).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => stores.Conversations.CreateAsync(NewConversation("c") with { Summary = "s", SummaryThrough = 0 }, Ct).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => stores.Conversations.CreateAsync(NewConversation("c") with { OrgId = string.Empty }, Ct).AsTask());
        Assert.Null(await stores.Conversations.GetAsync("c", Ct));
    }

    [Fact]
    public async Task ConversationAppend_ExpectedCount_NumbersTurnsOnAndMovesCountAndUpdatedAt()
    {
        var (stores, time) = await StartAsync();
        var s = stores.Conversations;
        await s.CreateAsync(NewConversation("conv_1"), Ct);
        time.Advance(TimeSpan.FromMinutes(5));
        var first = new[]
        {
            Turn("user", "Hello", at: T0.AddMinutes(5)) with { ConversationId = "ignored", Sequence = 42 },
            Turn("assistant", "Hi! How can I help?", at: T0.AddMinutes(5).AddSeconds(2)) with { Model = "gpt-4o-mini", CorrelationId = "req_1", InputTokens = 12, OutputTokens = 7 },
        };

        Assert.True(await s.AppendTurnsAsync("conv_1", 0, first, Ct));

        var conversation = await s.GetAsync("conv_1", Ct);
        Assert.Equal((2L, T0.AddMinutes(5), T0), (conversation!.TurnCount, conversation.UpdatedAt, conversation.CreatedAt));
        Assert.Equal(
            [
                first[0] with { ConversationId = "conv_1", Sequence = 0 },
                first[1] with { ConversationId = "conv_1", Sequence = 1 },
            ],
            await s.ListTurnsAsync("conv_1", 0, Ct));

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await s.AppendTurnsAsync("conv_1", 2, [Turn("user", "Thanks")], Ct));
        Assert.Equal([2L], (await s.ListTurnsAsync("conv_1", 2, Ct)).Select(t => t.Sequence));
        Assert.Equal([0L, 1L, 2L], (await s.ListTurnsAsync("conv_1", 0, Ct)).Select(t => t.Sequence));
        Assert.Equal(T0.AddMinutes(6), (await s.GetAsync("conv_1", Ct))!.UpdatedAt);
    }

    [Fact]
    public async Task ConversationAppend_StaleCountOrMissingConversation_ReturnsFalseAndChangesNothing()
    {
        var (stores, time) = await StartAsync();
        var s = stores.Conversations;
        await s.CreateAsync(NewConversation("conv_1"), Ct);
        Assert.True(await s.AppendTurnsAsync("conv_1", 0, [Turn("user", "one")], Ct));
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(await s.AppendTurnsAsync("conv_1", 0, [Turn("user", "stale")], Ct));
        Assert.False(await s.AppendTurnsAsync("conv_1", 2, [Turn("user", "ahead")], Ct));
        Assert.False(await s.AppendTurnsAsync("ghost", 0, [Turn("user", "nobody")], Ct));

        var conversation = await s.GetAsync("conv_1", Ct);
        Assert.Equal((1L, T0), (conversation!.TurnCount, conversation.UpdatedAt));
        Assert.Equal(["one"], (await s.ListTurnsAsync("conv_1", 0, Ct)).Select(t => t.Content));
        Assert.Empty(await s.ListTurnsAsync("ghost", 0, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => s.AppendTurnsAsync("conv_1", 1, [], Ct).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => s.AppendTurnsAsync("conv_1", 1, [Turn(string.Empty, "x")], Ct).AsTask());
    }

    [Fact]
    public async Task ConversationAppend_RacingOnTwoInstances_ExactlyOneWinsAndTurnsStayDense()
    {
        var (stores, _) = await StartAsync();
        var other = await OpenAnotherInstanceAsync(stores);
        var instances = new[] { stores.Conversations, other.Conversations };
        await stores.Conversations.CreateAsync(NewConversation("conv_1"), Ct);
        const int Racers = 20;

        var results = await RaceAsync(Racers, i => instances[i % 2].AppendTurnsAsync("conv_1", 0, [Turn("user", $"q{i}"), Turn("assistant", $"a{i}")], Ct).AsTask());

        var winner = Assert.Single(Enumerable.Range(0, Racers), i => results[i]);
        Assert.Equal(2, (await other.Conversations.GetAsync("conv_1", Ct))!.TurnCount);
        var turns = await stores.Conversations.ListTurnsAsync("conv_1", 0, Ct);
        Assert.Equal([(0L, $"q{winner}"), (1L, $"a{winner}")], turns.Select(t => (t.Sequence, t.Content)));
    }

    [Fact]
    public async Task ConversationAppend_RacersThatReloadAndRetry_EachAppendOnceWithoutGaps()
    {
        var (stores, _) = await StartAsync();
        var other = await OpenAnotherInstanceAsync(stores);
        var instances = new[] { stores.Conversations, other.Conversations };
        await stores.Conversations.CreateAsync(NewConversation("conv_1"), Ct);
        const int Racers = 12;

        await RaceAsync(Racers, async i =>
        {
            var s = instances[i % 2];
            while (true)
            {
                var count = (await s.GetAsync("conv_1", Ct))!.TurnCount;
                if (await s.AppendTurnsAsync("conv_1", count, [Turn("user", $"m{i}")], Ct))
                {
                    return true;
                }
            }
        });

        var turns = await stores.Conversations.ListTurnsAsync("conv_1", 0, Ct);
        Assert.Equal(Enumerable.Range(0, Racers).Select(i => (long)i), turns.Select(t => t.Sequence));
        Assert.Equal(Enumerable.Range(0, Racers).Select(i => $"m{i}").Order(), turns.Select(t => t.Content!).Order());
        Assert.Equal(Racers, (await stores.Conversations.GetAsync("conv_1", Ct))!.TurnCount);
    }

    [Fact]
    public async Task ConversationAppend_MetadataOnlyTurns_RoundTripWithoutContent()
    {
        var (stores, _) = await StartAsync();
        await stores.Conversations.CreateAsync(NewConversation("conv_1"), Ct);
        var turns = new[] { Turn("user", null), Turn("assistant", null) with { Model = "claude-x", InputTokens = 100, OutputTokens = 250 }, Turn("tool", string.Empty) };

        Assert.True(await stores.Conversations.AppendTurnsAsync("conv_1", 0, turns, Ct));

        var read = await stores.Conversations.ListTurnsAsync("conv_1", 0, Ct);
        Assert.Equal(turns.Select((t, i) => t with { ConversationId = "conv_1", Sequence = i }), read);
        Assert.Null(read[0].Content);
        Assert.Equal(string.Empty, read[2].Content);
    }

    [Fact]
    public async Task ConversationSummary_ReplacesTheSummaryKeepsTheTurnsAndNeverMovesBack()
    {
        var (stores, _) = await StartAsync();
        var s = stores.Conversations;
        await s.CreateAsync(NewConversation("conv_1"), Ct);
        await s.AppendTurnsAsync("conv_1", 0, [Turn("user", "a"), Turn("assistant", "b"), Turn("user", "c"), Turn("assistant", "d")], Ct);

        Assert.True(await s.SetSummaryAsync("conv_1", "a and b", 1, Ct));
        Assert.True(await s.SetSummaryAsync("conv_1", "a to c", 2, Ct));
        Assert.True(await s.SetSummaryAsync("conv_1", "a to c, again", 2, Ct));
        Assert.False(await s.SetSummaryAsync("conv_1", "late and older", 1, Ct));
        Assert.False(await s.SetSummaryAsync("conv_1", "past the end", 4, Ct));
        Assert.False(await s.SetSummaryAsync("ghost", "nothing", 0, Ct));

        var conversation = await s.GetAsync("conv_1", Ct);
        Assert.Equal(("a to c, again", 2L, T0), (conversation!.Summary, conversation.SummaryThrough, conversation.UpdatedAt));
        Assert.Equal(4, (await s.ListTurnsAsync("conv_1", 0, Ct)).Count);
        Assert.Equal(["d"], (await s.ListTurnsAsync("conv_1", conversation.SummaryThrough + 1, Ct)).Select(t => t.Content));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => s.SetSummaryAsync("conv_1", "x", -1, Ct).AsTask());
    }

    [Fact]
    public async Task ConversationShareAndTitle_ChangeOnlyThoseFields()
    {
        var (stores, time) = await StartAsync();
        var s = stores.Conversations;
        await s.CreateAsync(NewConversation("conv_1"), Ct);
        time.Advance(TimeSpan.FromHours(1));

        Assert.True(await s.SetSharedAsync("conv_1", true, Ct));
        Assert.True(await s.SetTitleAsync("conv_1", "Named", Ct));
        Assert.Equal(NewConversation("conv_1") with { Shared = true, Title = "Named" }, await s.GetAsync("conv_1", Ct));

        Assert.True(await s.SetSharedAsync("conv_1", false, Ct));
        Assert.True(await s.SetTitleAsync("conv_1", null, Ct));
        Assert.Equal(NewConversation("conv_1"), await s.GetAsync("conv_1", Ct));

        Assert.False(await s.SetSharedAsync("ghost", true, Ct));
        Assert.False(await s.SetTitleAsync("ghost", "x", Ct));
    }

    [Fact]
    public async Task ConversationList_NewestFirstWithinTheOrg_FilteredByOwnerAndSharing()
    {
        var (stores, _) = await StartAsync();
        var s = stores.Conversations;
        await CreateListingAsync(s);

        Assert.Equal(["c5", "c4", "c3", "c2", "c1"], await ListIdsAsync(s, new ConversationQuery { OrgId = "acme" }));
        Assert.Equal(["c4", "c3", "c1"], await ListIdsAsync(s, new ConversationQuery { OrgId = "acme", SubjectId = "alice" }));
        Assert.Equal(["c5", "c3", "c2"], await ListIdsAsync(s, new ConversationQuery { OrgId = "acme", SharedOnly = true }));
        Assert.Equal(["c3"], await ListIdsAsync(s, new ConversationQuery { OrgId = "acme", SubjectId = "alice", SharedOnly = true }));
        Assert.Equal(["g1"], await ListIdsAsync(s, new ConversationQuery { OrgId = "globex", SubjectId = "alice" }));
        Assert.Empty(await ListIdsAsync(s, new ConversationQuery { OrgId = "initech" }));
        Assert.Equal(["c5", "c4"], await ListIdsAsync(s, new ConversationQuery { OrgId = "acme", Limit = 2 }));
    }

    [Fact]
    public async Task ConversationList_KeysetPages_CoverEveryConversationOnceEvenWithEqualTimes()
    {
        var (stores, _) = await StartAsync();
        var s = stores.Conversations;
        await CreateListingAsync(s);

        foreach (var query in new[]
        {
            new ConversationQuery { OrgId = "acme", Limit = 2 },
            new ConversationQuery { OrgId = "acme", SubjectId = "alice", Limit = 1 },
            new ConversationQuery { OrgId = "acme", SharedOnly = true, Limit = 2 },
        })
        {
            var all = await ListIdsAsync(s, query with { Limit = ConversationQuery.MaxLimit });
            var paged = new List<string>();
            var page = query;
            while (true)
            {
                var items = await s.ListAsync(page, Ct);
                paged.AddRange(items.Select(c => c.Id));
                if (items.Count < page.Limit)
                {
                    break;
                }

                page = page with { After = ConversationCursor.After(items[^1]) };
            }

            Assert.Equal(all, paged);
        }

        // c3 and c4 share an update time: the cursor's id breaks the tie.
        var afterC4 = await s.ListAsync(new ConversationQuery { OrgId = "acme", After = new ConversationCursor(T0.AddMinutes(3), "c4") }, Ct);
        Assert.Equal(["c3", "c2", "c1"], afterC4.Select(c => c.Id));
        await Assert.ThrowsAsync<ArgumentException>(() => s.ListAsync(new ConversationQuery { OrgId = "acme", Limit = 0 }, Ct).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => s.ListAsync(new ConversationQuery { OrgId = string.Empty }, Ct).AsTask());
    }

    [Fact]
    public async Task ConversationDelete_RemovesItAndAllItsTurns()
    {
        var (stores, _) = await StartAsync();
        var s = stores.Conversations;
        await s.CreateAsync(NewConversation("conv_1"), Ct);
        await s.CreateAsync(NewConversation("conv_2"), Ct);
        await s.AppendTurnsAsync("conv_1", 0, [Turn("user", "secret"), Turn("assistant", "reply")], Ct);
        await s.AppendTurnsAsync("conv_2", 0, [Turn("user", "kept")], Ct);

        Assert.True(await s.DeleteAsync("conv_1", Ct));

        Assert.Null(await s.GetAsync("conv_1", Ct));
        Assert.Empty(await s.ListTurnsAsync("conv_1", 0, Ct));
        Assert.False(await s.DeleteAsync("conv_1", Ct));
        Assert.Equal(["kept"], (await s.ListTurnsAsync("conv_2", 0, Ct)).Select(t => t.Content));

        // The id is free again, and a conversation created under it starts empty.
        Assert.True(await s.CreateAsync(NewConversation("conv_1"), Ct));
        Assert.Empty(await s.ListTurnsAsync("conv_1", 0, Ct));
    }

    [Fact]
    public async Task ConversationPurge_DeletesOnlyThatOrgsConversationsUpdatedBeforeTheCutoff()
    {
        var (stores, time) = await StartAsync(T0.AddDays(-40));
        var s = stores.Conversations;
        await s.CreateAsync(NewConversation("old_a", updatedAt: T0.AddDays(-40)), Ct);
        await s.CreateAsync(NewConversation("old_b", updatedAt: T0.AddDays(-31)), Ct);
        await s.CreateAsync(NewConversation("edge", updatedAt: T0.AddDays(-30)), Ct);
        await s.CreateAsync(NewConversation("fresh", updatedAt: T0.AddDays(-40)), Ct);
        await s.CreateAsync(NewConversation("other_org", org: "globex", updatedAt: T0.AddDays(-40)), Ct);
        Assert.True(await s.AppendTurnsAsync("old_a", 0, [Turn("user", "gone")], Ct));

        // An append makes a conversation recent again (its updated_at is the store's clock).
        time.Advance(TimeSpan.FromDays(40));
        Assert.True(await s.AppendTurnsAsync("fresh", 0, [Turn("user", "still here")], Ct));

        Assert.Equal(2, await s.PurgeAsync("acme", T0.AddDays(-30), Ct));

        Assert.Null(await s.GetAsync("old_a", Ct));
        Assert.Null(await s.GetAsync("old_b", Ct));
        Assert.Empty(await s.ListTurnsAsync("old_a", 0, Ct));
        Assert.Equal(["fresh", "edge"], await ListIdsAsync(s, new ConversationQuery { OrgId = "acme" }));
        Assert.NotNull(await s.GetAsync("other_org", Ct));
        Assert.Equal(0, await s.PurgeAsync("acme", T0.AddDays(-30), Ct));
    }

    [Fact]
    public async Task ConversationExport_YieldsEveryConversationOfTheOrgWithItsTurns()
    {
        var (stores, _) = await StartAsync();
        var s = stores.Conversations;

        // More than one export batch, so paging through them is covered.
        const int Count = 57;
        for (var i = 0; i < Count; i++)
        {
            await s.CreateAsync(NewConversation($"c{i:D3}", subject: i % 2 == 0 ? "alice" : "bob"), Ct);
            if (i % 10 == 0)
            {
                await s.AppendTurnsAsync($"c{i:D3}", 0, [Turn("user", $"q{i}"), Turn("assistant", null)], Ct);
            }
        }

        await s.CreateAsync(NewConversation("g1", org: "globex"), Ct);
        await s.AppendTurnsAsync("g1", 0, [Turn("user", "not exported")], Ct);

        var exported = await ExportAllAsync(s, "acme");

        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"c{i:D3}"), exported.Select(e => e.Conversation.Id));
        foreach (var export in exported)
        {
            Assert.Equal(export.Conversation, await s.GetAsync(export.Conversation.Id, Ct));
            Assert.Equal(await s.ListTurnsAsync(export.Conversation.Id, 0, Ct), export.Turns);
            Assert.Equal(export.Conversation.TurnCount, export.Turns.Count);
        }

        Assert.Equal(new string?[] { "q20", null }, exported[20].Turns.Select(t => t.Content));
        Assert.Empty(await ExportAllAsync(s, "initech"));
    }

    [Fact]
    public async Task OrgPolicy_ConversationCaptureAlone_RoundTrips()
    {
        var (stores, _) = await StartAsync();
        var policy = new OrgPolicy { ConversationCapture = ConversationCapture.Metadata };
        await stores.Governance.CreateOrgAsync(new Org { Id = "acme", Name = "Acme", Policy = policy, CreatedAt = T0 }, Ct);
        await stores.Governance.CreateOrgAsync(new Org { Id = "initech", Name = "Initech", Policy = new OrgPolicy { ConversationCapture = ConversationCapture.Off }, CreatedAt = T0 }, Ct);
        await stores.Governance.CreateOrgAsync(new Org { Id = "globex", Name = "Globex", Policy = new OrgPolicy { ConversationRetentionDays = 7 }, CreatedAt = T0 }, Ct);

        var acme = (await stores.Governance.GetOrgAsync("acme", Ct))!.Policy;
        var globex = (await stores.Governance.GetOrgAsync("globex", Ct))!.Policy;
        var initech = (await stores.Governance.GetOrgAsync("initech", Ct))!.Policy;
        Assert.Equal(ConversationCapture.Off, initech.ConversationCapture);

        Assert.Equal((ConversationCapture.Metadata, (int?)null), (acme.ConversationCapture, acme.ConversationRetentionDays));
        Assert.Equal((ConversationCapture.Full, (int?)7), (globex.ConversationCapture, globex.ConversationRetentionDays));
        Assert.Equal(ConversationCapture.Full, OrgPolicy.None.ConversationCapture);
    }

    protected static Conversation NewConversation(string id, string org = "acme", string subject = "alice", string? title = null, bool shared = false, DateTimeOffset? updatedAt = null) => new()
    {
        Id = id,
        OrgId = org,
        SubjectId = subject,
        Title = title,
        Shared = shared,
        CreatedAt = T0,
        UpdatedAt = updatedAt ?? T0,
    };

    protected static ConversationTurn Turn(string role, string? content, DateTimeOffset? at = null) => new()
    {
        Role = role,
        Content = content,
        At = at ?? T0,
    };

    /// <summary>Acme: c1 to c5 (c3 and c4 updated at the same time), owned by alice or bob, some shared; globex: g1.</summary>
    private static async Task CreateListingAsync(IConversationStore s)
    {
        await s.CreateAsync(NewConversation("c1", subject: "alice", updatedAt: T0.AddMinutes(1)), Ct);
        await s.CreateAsync(NewConversation("c2", subject: "bob", shared: true, updatedAt: T0.AddMinutes(2)), Ct);
        await s.CreateAsync(NewConversation("c3", subject: "alice", shared: true, updatedAt: T0.AddMinutes(3)), Ct);
        await s.CreateAsync(NewConversation("c4", subject: "alice", updatedAt: T0.AddMinutes(3)), Ct);
        await s.CreateAsync(NewConversation("c5", subject: "bob", shared: true, updatedAt: T0.AddMinutes(4)), Ct);
        await s.CreateAsync(NewConversation("g1", org: "globex", subject: "alice", shared: true, updatedAt: T0.AddMinutes(9)), Ct);
    }

    private static async Task<List<ConversationExport>> ExportAllAsync(IConversationStore s, string orgId)
    {
        var exported = new List<ConversationExport>();
        await foreach (var export in s.ExportAsync(orgId, Ct))
        {
            exported.Add(export);
        }

        return exported;
    }

    private static async Task<string[]> ListIdsAsync(IConversationStore s, ConversationQuery query) =>
        [.. (await s.ListAsync(query, Ct)).Select(c => c.Id)];
}
