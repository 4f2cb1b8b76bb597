using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ThreadSync.Gateway.Audit;
using ThreadSync.Gateway.Governance;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Tests.Governance;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests.Conversations;

/// <summary>
/// Server-side conversation memory over HTTP, end to end: a real server on its own SQLite file, fake upstreams that
/// record exactly what they were sent, orgs and keys in the store.
/// </summary>
public sealed class ConversationMemoryHttpTests
{
    private const string SummaryEndpoint = "conversation-summary";
    private const string SummaryPreamble = "Summary of the earlier part of this conversation:\n";

    private static readonly OrgPolicy Full = new() { ConversationCapture = ConversationCapture.Full };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SecondTurn_SendsTheHistoryUpstream_AndTheClientSendsOnlyTheNewMessage()
    {
        await using var server = await GovernedServer.StartAsync();
        var key = await server.CreateKeyAsync("org-memory", orgPolicy: Full);
        var conversation = NewId();

        server.OpenAI.Enqueue(FakeReply.Text("Nice to meet you, Ada."));
        using var first = await SendAsync(server, key, conversation, """[{"role": "user", "content": "My name is Ada."}]""");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(conversation, Header(first, "x-threadsync-conversation-id"));
        Assert.Equal("full", Header(first, "x-threadsync-conversation-memory"));
        Assert.Single(Messages(server.OpenAI.LastRequest));

        server.OpenAI.Enqueue(FakeReply.Text("Your name is Ada."));
        using var second = await SendAsync(server, key, conversation, """[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What is my name?"}]""");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var sent = Messages(server.OpenAI.LastRequest);
        Assert.Equal(
            [("system", "Be brief."), ("user", "My name is Ada."), ("assistant", "Nice to meet you, Ada."), ("user", "What is my name?")],
            sent);

        // Every turn is kept, the system message is not (the client sends its instructions each time).
        var turns = await server.Stores.Conversations.ListTurnsAsync(conversation, 0, Ct);
        Assert.Equal(
            [("user", "My name is Ada."), ("assistant", "Nice to meet you, Ada."), ("user", "What is my name?"), ("assistant", "Your name is Ada.")],
            turns.Select(t => (t.Role, t.Content!)).ToArray());
        Assert.Equal([0L, 1, 2, 3], turns.Select(t => t.Sequence));
        Assert.Equal("gpt-4o", turns[3].Model);
        Assert.True(turns[3].OutputTokens > 0);
        var stored = await server.Stores.Conversations.GetAsync(conversation, Ct);
        Assert.Equal("org-memory", stored!.OrgId);
        Assert.Equal(await server.KeyIdOfAsync(key), stored.SubjectId);
    }

    [Fact]
    public async Task TheHeader_NamesTheConversation_OnTheAnthropicEndpoint_AndTheNormalizedBodyField_OnTheNormalizedOne()
    {
        await using var server = await GovernedServer.StartAsync();
        var key = await server.CreateKeyAsync("org-header", orgPolicy: Full);
        var conversation = NewId();

        server.OpenAI.Enqueue(FakeReply.Text("Blue it is."));
        var normalized = $$"""{"model": "gpt-4o", "conversation_id": "{{conversation}}", "messages": [{"role": "user", "content": "My favourite colour is blue."}]}""";
        using (var first = await PostAsync(server, key, "/api/v1/llm/chat", normalized))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            using var json = JsonDocument.Parse(await first.Content.ReadAsStringAsync(Ct));
            Assert.Equal(conversation, json.RootElement.GetProperty("conversation_id").GetString());
        }

        // The same conversation continues on another provider through the Anthropic endpoint, named by the header.
        server.Anthropic.Enqueue(FakeReply.Text("Blue."));
        var anthropic = """{"model": "claude-sonnet-4-6", "max_tokens": 50, "messages": [{"role": "user", "content": "Which colour do I like?"}]}""";
        using (var second = await PostAsync(server, key, "/v1/messages", anthropic, conversation))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal(conversation, Header(second, "x-threadsync-conversation-id"));
        }

        var sent = server.Anthropic.LastRequest.Json.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("role").GetString()!, AnthropicText(m.GetProperty("content")))).ToArray();
        Assert.Equal([("user", "My favourite colour is blue."), ("assistant", "Blue it is."), ("user", "Which colour do I like?")], sent);

        // Body and header naming different conversations is refused before anything is called.
        var before = server.OpenAI.RequestCount;
        using var conflicting = await PostAsync(server, key, "/v1/chat/completions", ChatBody(conversation, """[{"role": "user", "content": "x"}]"""), NewId());
        await AssertErrorAsync(conflicting, HttpStatusCode.BadRequest, "invalid_parameter");
        Assert.Equal(before, server.OpenAI.RequestCount);
    }

    [Fact]
    public async Task AStreamedAnswer_IsRemembered()
    {
        await using var server = await GovernedServer.StartAsync();
        var key = await server.CreateKeyAsync("org-stream", orgPolicy: Full);
        var conversation = NewId();

        server.OpenAI.Enqueue(FakeReply.Text("The answer is forty-two."));
        var body = $$"""{"model": "gpt-4o", "stream": true, "conversation_id": "{{conversation}}", "messages": [{"role": "user", "content": "What is the answer?"}]}""";
        using (var streamed = await PostAsync(server, key, "/v1/chat/completions", body))
        {
            Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
            Assert.Equal(conversation, Header(streamed, "x-threadsync-conversation-id"));
            var text = await streamed.Content.ReadAsStringAsync(Ct);
            Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
        }

        server.OpenAI.Enqueue(FakeReply.Text("Yes."));
        using var next = await SendAsync(server, key, conversation, """[{"role": "user", "content": "Are you sure?"}]""");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(
            [("user", "What is the answer?"), ("assistant", "The answer is forty-two."), ("user", "Are you sure?")],
            Messages(server.OpenAI.LastRequest));
    }

    [Fact]
    public async Task AFallbackMidConversation_SendsTheSameHistoryToTheOtherProvider()
    {
        await using var server = await GovernedServer.StartAsync(new()
        {
            ["ThreadSync:Resilience:MaxAttempts"] = "2",
            ["ThreadSync:Resilience:MaxRetriesPerModel"] = "0",
            ["ThreadSync:Routing:Fallbacks:gpt-4o:0"] = "claude-sonnet-4-6",
        });
        var key = await server.CreateKeyAsync("org-fallback", orgPolicy: Full);
        var conversation = NewId();

        server.OpenAI.Enqueue(FakeReply.Text("Paris."));
        using (var first = await SendAsync(server, key, conversation, """[{"role": "user", "content": "Capital of France?"}]"""))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        server.OpenAI.Enqueue(FakeReply.Error(503, "overloaded"));
        server.Anthropic.Enqueue(FakeReply.Text("About two million."));
        using var second = await SendAsync(server, key, conversation, """[{"role": "user", "content": "Its population?"}]""");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("anthropic", Header(second, "x-threadsync-provider"));
        var sent = server.Anthropic.LastRequest.Json.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("role").GetString()!, AnthropicText(m.GetProperty("content")))).ToArray();
        Assert.Equal([("user", "Capital of France?"), ("assistant", "Paris."), ("user", "Its population?")], sent);

        var turns = await server.Stores.Conversations.ListTurnsAsync(conversation, 0, Ct);
        Assert.Equal(4, turns.Count);
        Assert.Equal("claude-sonnet-4-6", turns[3].Model);
        Assert.Equal("About two million.", turns[3].Content);
    }

    [Fact]
    public async Task CaptureOff_RefusesConversations_AndMetadataCapture_KeepsNoText()
    {
        await using var server = await GovernedServer.StartAsync();
        var off = await server.CreateKeyAsync("org-off", orgPolicy: new OrgPolicy { ConversationCapture = ConversationCapture.Off });
        using (var refused = await SendAsync(server, off, NewId(), """[{"role": "user", "content": "Hello"}]"""))
        {
            await AssertErrorAsync(refused, HttpStatusCode.Forbidden, "conversations_disabled");
        }

        Assert.Equal(0, server.OpenAI.RequestCount);

        var metadata = await server.CreateKeyAsync("org-metadata", orgPolicy: new OrgPolicy { ConversationCapture = ConversationCapture.Metadata });
        var conversation = NewId();
        server.OpenAI.Enqueue(FakeReply.Text("Secret noted."));
        using (var first = await SendAsync(server, metadata, conversation, """[{"role": "user", "content": "The code is 1234."}]"""))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("metadata", Header(first, "x-threadsync-conversation-memory"));
        }

        server.OpenAI.Enqueue(FakeReply.Text("I do not know."));
        using (var second = await SendAsync(server, metadata, conversation, """[{"role": "user", "content": "What is the code?"}]"""))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }

        Assert.Equal([("user", "What is the code?")], Messages(server.OpenAI.LastRequest));
        var turns = await server.Stores.Conversations.ListTurnsAsync(conversation, 0, Ct);
        Assert.Equal(4, turns.Count);
        Assert.All(turns, t => Assert.Null(t.Content));
        Assert.Equal(["user", "assistant", "user", "assistant"], turns.Select(t => t.Role));
    }

    [Fact]
    public async Task AnotherOrgOrSubject_CannotReadOrExtendTheConversation()
    {
        await using var server = await GovernedServer.StartAsync();
        var owner = await server.CreateKeyAsync("org-a", orgPolicy: Full);
        var colleague = await server.CreateKeyAsync("org-a", orgPolicy: Full);
        var outsider = await server.CreateKeyAsync("org-b", orgPolicy: Full);
        var conversation = NewId();

        server.OpenAI.Enqueue(FakeReply.Text("Noted: the launch is on Friday."));
        using (var first = await SendAsync(server, owner, conversation, """[{"role": "user", "content": "The launch is on Friday."}]"""))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var calls = server.OpenAI.RequestCount;
        using (var fromOtherOrg = await SendAsync(server, outsider, conversation, """[{"role": "user", "content": "When is the launch?"}]"""))
        {
            await AssertErrorAsync(fromOtherOrg, HttpStatusCode.NotFound, "conversation_not_found");
        }

        using (var fromColleague = await SendAsync(server, colleague, conversation, """[{"role": "user", "content": "When is the launch?"}]"""))
        {
            await AssertErrorAsync(fromColleague, HttpStatusCode.NotFound, "conversation_not_found");
        }

        // Shared with the org: readable by the colleague through /v1/conversations, still not theirs to continue.
        Assert.True(await server.Stores.Conversations.SetSharedAsync(conversation, true, Ct));
        using (var shared = await SendAsync(server, colleague, conversation, """[{"role": "user", "content": "When is the launch?"}]"""))
        {
            await AssertErrorAsync(shared, HttpStatusCode.Forbidden, "conversation_read_only");
        }

        using (var sharedOutside = await SendAsync(server, outsider, conversation, """[{"role": "user", "content": "When is the launch?"}]"""))
        {
            await AssertErrorAsync(sharedOutside, HttpStatusCode.NotFound, "conversation_not_found");
        }

        Assert.Equal(calls, server.OpenAI.RequestCount);
        Assert.Equal(2, (await server.Stores.Conversations.GetAsync(conversation, Ct))!.TurnCount);

        // The refusals are on the record like any refused request.
        var refused = (await server.LedgerAsync(await server.KeyIdOfAsync(outsider))).Select(r => r.StatusCode).Order().ToArray();
        Assert.Equal([404, 404], refused);
    }

    [Fact]
    public async Task ALongHistory_IsSummarizedThroughTheGateway_BilledAndAudited_KeepingTheNewestTurns()
    {
        await using var server = await GovernedServer.StartAsync(new()
        {
            ["ThreadSync:Conversations:MaxHistoryTokens"] = "600",
            ["ThreadSync:Conversations:KeepRecentTurns"] = "2",
            ["ThreadSync:Conversations:SummaryMaxTokens"] = "200",
        });
        var key = await server.CreateKeyAsync("org-summary", orgPolicy: Full);
        var keyId = await server.KeyIdOfAsync(key);
        var conversation = NewId();

        // Six remembered turns of about 150 tokens each: about 900 tokens, over the 600 budget.
        var store = server.Stores.Conversations;
        var now = DateTimeOffset.UtcNow;
        Assert.True(await store.CreateAsync(new Conversation { Id = conversation, OrgId = "org-summary", SubjectId = keyId, CreatedAt = now, UpdatedAt = now }, Ct));
        var seeded = Enumerable.Range(0, 6).Select(i => new ConversationTurn
        {
            Role = i % 2 == 0 ? "user" : "assistant",
            Content = $"turn-{i} " + new string((char)('a' + i), 600),
            At = now,
        }).ToList();
        Assert.True(await store.AppendTurnsAsync(conversation, 0, seeded, Ct));

        server.OpenAI.Enqueue(FakeReply.Text("SUMMARY: turns zero to three.", new FakeUsage(500, 40)));
        server.OpenAI.Enqueue(FakeReply.Text("Here is the answer."));
        using var response = await SendAsync(server, key, conversation, """[{"role": "user", "content": "Continue."}]""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // First upstream call: the summary request, with the folded turns; second: the answer, with the summary and the two newest turns.
        var requests = server.OpenAI.Requests;
        Assert.Equal(2, requests.Count);
        var summaryRequest = Messages(requests[0]);
        Assert.Equal("system", summaryRequest[0].Role);
        Assert.StartsWith("You keep the memory of a conversation", summaryRequest[0].Content, StringComparison.Ordinal);
        Assert.Contains("turn-0", summaryRequest[1].Content, StringComparison.Ordinal);
        Assert.Contains("turn-3", summaryRequest[1].Content, StringComparison.Ordinal);
        Assert.DoesNotContain("turn-4", summaryRequest[1].Content, StringComparison.Ordinal);
        Assert.Equal(200, requests[0].Json.GetProperty("max_completion_tokens").GetInt32());

        var answerRequest = Messages(requests[1]);
        Assert.Equal(4, answerRequest.Length);
        Assert.Equal(("system", SummaryPreamble + "SUMMARY: turns zero to three."), answerRequest[0]);
        Assert.StartsWith("turn-4", answerRequest[1].Content, StringComparison.Ordinal);
        Assert.StartsWith("turn-5", answerRequest[2].Content, StringComparison.Ordinal);
        Assert.Equal(("user", "Continue."), answerRequest[3]);

        // The summary is stored (the turns too: users still browse all of them), and used by the next request.
        var stored = await store.GetAsync(conversation, Ct);
        Assert.Equal("SUMMARY: turns zero to three.", stored!.Summary);
        Assert.Equal(3, stored.SummaryThrough);
        Assert.Equal(8, stored.TurnCount);

        // Billed to the same key, under its own endpoint, and on the audit chain.
        var ledger = await server.LedgerAsync(keyId);
        var summaryUsage = Assert.Single(ledger, r => r.Endpoint == SummaryEndpoint);
        Assert.Equal(500, summaryUsage.InputTokens);
        Assert.Equal(40, summaryUsage.OutputTokens);
        Assert.True(summaryUsage.CostUsd > 0);
        Assert.Equal("ok", summaryUsage.Verdict);
        Assert.Single(ledger, r => r.Endpoint == "/v1/chat/completions");
        var audit = await server.Stores.Audit.ListLatestAsync(AuditKinds.Inference, 10, Ct);
        var summaryAudit = Assert.Single(audit, r => r.Endpoint == SummaryEndpoint);
        Assert.Equal(keyId, summaryAudit.KeyId);
        Assert.Equal(summaryUsage.CorrelationId, summaryAudit.CorrelationId);
        Assert.NotNull(summaryAudit.PromptSha256);
        Assert.True((await server.Stores.Audit.VerifyAsync(Ct)).Valid);

        // Under budget now: the next request sends the summary and the turns after it, and calls no summarizer.
        server.OpenAI.Enqueue(FakeReply.Text("Done."));
        using var next = await SendAsync(server, key, conversation, """[{"role": "user", "content": "Thanks."}]""");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(3, server.OpenAI.Requests.Count);
        var nextSent = Messages(server.OpenAI.LastRequest);
        Assert.Equal(SummaryPreamble + "SUMMARY: turns zero to three.", nextSent[0].Content);
        Assert.Equal(("user", "Thanks."), nextSent[^1]);
        Assert.Equal(("assistant", "Here is the answer."), nextSent[^2]);
    }

    [Fact]
    public async Task ConcurrentTurns_InOneConversation_AreAllKept_WithDenseSequences()
    {
        await using var server = await GovernedServer.StartAsync();
        var key = await server.CreateKeyAsync("org-race", orgPolicy: Full);
        var conversation = NewId();

        const int Racers = 12;
        var responses = await GovernedServer.RaceAsync(Racers, i => SendAsync(server, key, conversation, $$"""[{"role": "user", "content": "message {{i}}"}]"""));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        var turns = await server.Stores.Conversations.ListTurnsAsync(conversation, 0, Ct);
        Assert.Equal(2 * Racers, turns.Count);
        Assert.Equal(Enumerable.Range(0, 2 * Racers).Select(i => (long)i), turns.Select(t => t.Sequence));
        Assert.Equal(
            Enumerable.Range(0, Racers).Select(i => $"message {i}").Order(StringComparer.Ordinal),
            turns.Where(t => t.Role == "user").Select(t => t.Content!).Order(StringComparer.Ordinal));

        // Each request's turns stay together: its user message, then its answer.
        for (var i = 0; i < turns.Count; i += 2)
        {
            Assert.Equal("user", turns[i].Role);
            Assert.Equal("assistant", turns[i + 1].Role);
            Assert.Equal(turns[i].CorrelationId, turns[i + 1].CorrelationId);
        }
    }

    [Fact]
    public async Task RetentionPurge_DeletesIdleConversations_OfOrgsWithARetention()
    {
        var data = Directory.CreateTempSubdirectory("threadsync-retention-").FullName;
        try
        {
            var settings = new Dictionary<string, string?> { ["ThreadSync:Storage:DataDirectory"] = data };
            string stale, fresh, staleButKept;
            await using (var first = await GovernedServer.StartAsync(settings))
            {
                await first.CreateKeyAsync("org-retained", orgPolicy: Full with { ConversationRetentionDays = 7 });
                await first.CreateKeyAsync("org-forever", orgPolicy: Full);
                var now = DateTimeOffset.UtcNow;
                async Task<string> SeedAsync(string org, TimeSpan idle)
                {
                    var id = NewId();
                    Assert.True(await first.Stores.Conversations.CreateAsync(new Conversation { Id = id, OrgId = org, SubjectId = "someone", CreatedAt = now - idle, UpdatedAt = now - idle }, Ct));
                    return id;
                }

                stale = await SeedAsync("org-retained", TimeSpan.FromDays(8));
                fresh = await SeedAsync("org-retained", TimeSpan.FromDays(6));
                staleButKept = await SeedAsync("org-forever", TimeSpan.FromDays(400));
            }

            // The purge runs at start-up (then every PurgeInterval): a restarted server deletes what expired meanwhile.
            await using var second = await GovernedServer.StartAsync(settings);
            var store = second.Stores.Conversations;
            for (var i = 0; i < 300 && await store.GetAsync(stale, Ct) is not null; i++)
            {
                await Task.Delay(100, Ct);
            }

            Assert.Null(await store.GetAsync(stale, Ct));
            Assert.NotNull(await store.GetAsync(fresh, Ct));
            Assert.NotNull(await store.GetAsync(staleButKept, Ct));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task AnIdempotentRetry_IsReplayed_WithoutAddingTurnsTwice_AndAnotherConversationHeaderIsAnotherRequest()
    {
        await using var server = await GovernedServer.StartAsync();
        var key = await server.CreateKeyAsync("org-idem", orgPolicy: Full);
        var conversation = NewId();
        var body = """{"model": "gpt-4o", "max_tokens": 50, "messages": [{"role": "user", "content": "Book it."}]}""";

        async Task<HttpResponseMessage> SendWithKeyAsync(string conversationHeader)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUrl, "/v1/chat/completions")) { Content = new StringContent(body, Encoding.UTF8) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            request.Headers.Add("x-threadsync-conversation-id", conversationHeader);
            request.Headers.Add("Idempotency-Key", "book-1");
            return await server.Http.SendAsync(request, Ct);
        }

        server.OpenAI.Enqueue(FakeReply.Text("Booked."));
        using var first = await SendWithKeyAsync(conversation);
        using var retry = await SendWithKeyAsync(conversation);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("true", Header(retry, "Idempotent-Replayed"));
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await retry.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, server.OpenAI.RequestCount);
        Assert.Equal(2, (await server.Stores.Conversations.GetAsync(conversation, Ct))!.TurnCount);

        using var otherConversation = await SendWithKeyAsync(NewId());
        await AssertErrorAsync(otherConversation, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
    }

    [Fact]
    public async Task AMalformedConversationId_IsRefusedWithTheFieldNamed()
    {
        await using var server = await GovernedServer.StartAsync();
        var key = await server.CreateKeyAsync("org-bad-id", orgPolicy: Full);
        using var response = await PostAsync(server, key, "/v1/chat/completions", ChatBody("has spaces/and slashes", """[{"role": "user", "content": "x"}]"""));
        var error = await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_parameter");
        Assert.Equal("conversation_id", error.GetProperty("param").GetString());
        Assert.Equal(0, server.OpenAI.RequestCount);
    }

    private static string NewId() => "test-" + Guid.NewGuid().ToString("N");

    private static string ChatBody(string conversation, string messages) =>
        $$"""{"model": "gpt-4o", "max_tokens": 50, "conversation_id": "{{conversation}}", "messages": {{messages}}}""";

    private static Task<HttpResponseMessage> SendAsync(GovernedServer server, string key, string conversation, string messages) =>
        PostAsync(server, key, "/v1/chat/completions", ChatBody(conversation, messages));

    private static async Task<HttpResponseMessage> PostAsync(GovernedServer server, string key, string path, string body, string? conversationHeader = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUrl, path)) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (conversationHeader is not null)
        {
            request.Headers.Add("x-threadsync-conversation-id", conversationHeader);
        }

        return await server.Http.SendAsync(request, Ct);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    /// <summary>The (role, text) of every message an OpenAI-shaped upstream was sent.</summary>
    private static (string Role, string Content)[] Messages(RecordedRequest request) =>
        request.Json.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!))
            .ToArray();

    private static string AnthropicText(JsonElement content) => content.ValueKind == JsonValueKind.String
        ? content.GetString()!
        : string.Concat(content.EnumerateArray().Select(block => block.GetProperty("text").GetString()));

    private static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(Header(response, "x-request-id")));
        return error.Clone();
    }
}
