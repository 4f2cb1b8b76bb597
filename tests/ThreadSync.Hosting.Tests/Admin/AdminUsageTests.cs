using System.Globalization;
using System.Net;
using System.Text.Json;
using ThreadSync.Gateway;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests.Admin;

/// <summary>
/// Usage reports and exports after real requests: two orgs, a team, three keys; gpt-4o answers with 1,000 input and
/// 500 output tokens ($0.0075 each at $2.50 / $10 per million), and one request is refused by an access rule.
/// </summary>
public sealed class AdminUsageTests(AdminUsageTests.Fixture fixture) : IClassFixture<AdminUsageTests.Fixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AdminServer Server => fixture.Server;

    [Fact]
    public async Task Usage_GroupedByKey_SumsRequestsTokensAndExactCost()
    {
        var json = await Server.JsonAsync(HttpMethod.Get, "/admin/v1/usage?group_by=key&org_id=usage-acme");

        Assert.Equal(new[] { "key" }, json.GetProperty("group_by").EnumerateArray().Select(g => g.GetString()));
        var rows = json.GetProperty("data").EnumerateArray().ToDictionary(r => r.GetProperty("key_id").GetString()!);
        Assert.Equal(2, rows.Count);
        var teamKey = rows[fixture.TeamKeyId];
        Assert.Equal(2, teamKey.GetProperty("requests").GetInt64());
        Assert.Equal(0, teamKey.GetProperty("refused").GetInt64());
        Assert.Equal(2000, teamKey.GetProperty("input_tokens").GetInt64());
        Assert.Equal(1000, teamKey.GetProperty("output_tokens").GetInt64());
        Assert.Equal(3000, teamKey.GetProperty("total_tokens").GetInt64());
        Assert.Equal(0.015m, ExactDecimal(teamKey.GetProperty("cost_usd")));
        Assert.False(teamKey.TryGetProperty("org_id", out _));
        var plainKey = rows[fixture.PlainKeyId];
        Assert.Equal(2, plainKey.GetProperty("requests").GetInt64());
        Assert.Equal(1, plainKey.GetProperty("refused").GetInt64());
        Assert.Equal(0.0075m, ExactDecimal(plainKey.GetProperty("cost_usd")));
    }

    [Fact]
    public async Task Usage_GroupedByOrgAndDay_AndUngrouped()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var from = today.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = today.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var byOrgDay = await Server.JsonAsync(HttpMethod.Get, $"/admin/v1/usage?group_by=org,day&from={from}&to={to}");
        var total = await Server.JsonAsync(HttpMethod.Get, "/admin/v1/usage?org_id=usage-acme");
        var nothing = await Server.JsonAsync(HttpMethod.Get, $"/admin/v1/usage?group_by=org&to={from}");

        var acme = byOrgDay.GetProperty("data").EnumerateArray().Where(r => r.GetProperty("org_id").GetString() == "usage-acme").ToList();
        var other = byOrgDay.GetProperty("data").EnumerateArray().Where(r => r.GetProperty("org_id").GetString() == "usage-other").ToList();
        Assert.Equal(4, acme.Sum(r => r.GetProperty("requests").GetInt64()));
        Assert.Equal(1, other.Sum(r => r.GetProperty("requests").GetInt64()));
        Assert.All(acme, r => Assert.InRange(DateOnly.ParseExact(r.GetProperty("day").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture), today.AddDays(-1), today.AddDays(1)));
        var row = Assert.Single(total.GetProperty("data").EnumerateArray());
        Assert.Equal(4, row.GetProperty("requests").GetInt64());
        Assert.Equal(0.0225m, ExactDecimal(row.GetProperty("cost_usd")));
        Assert.Empty(nothing.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Usage_AsCsv_HasAHeaderRowAndOneRowPerGroup()
    {
        using var response = await Server.GetAsync("/admin/v1/usage?group_by=model&org_id=usage-acme&format=csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync(Ct)).Split("\r\n");
        Assert.Equal("model,requests,refused,input_tokens,output_tokens,total_tokens,cost_usd", lines[0]);
        Assert.Equal("", lines[^1]);
        var rows = lines[1..^1].Select(l => l.Split(',')).ToDictionary(c => c[0]);
        Assert.Equal(2, rows.Count);
        Assert.Equal(new[] { "3", "0", "3000", "1500", "4500" }, rows["gpt-4o"][1..6]);
        Assert.Equal(0.0225m, decimal.Parse(rows["gpt-4o"][6], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));
        Assert.Equal(new[] { "1", "1", "0", "0", "0" }, rows["gpt-4o-mini"][1..6]);
    }

    [Theory]
    [InlineData("/admin/v1/usage?group_by=key,week", "group_by")]
    [InlineData("/admin/v1/usage?from=yesterday", "from")]
    [InlineData("/admin/v1/usage?from=2026-02-01&to=2026-01-01", "to")]
    [InlineData("/admin/v1/usage?format=xml", "format")]
    [InlineData("/admin/v1/usage?key_id=Not%20An%20Id", "key_id")]
    [InlineData("/admin/v1/usage/export?format=json", "format")]
    [InlineData("/admin/v1/usage/export?to=31/01/2026", "to")]
    public async Task Usage_BadQuery_Is400NamingTheParameter(string path, string param)
    {
        using var response = await Server.GetAsync(path);

        var error = await AdminServer.ErrorAsync(response);
        Assert.Equal((HttpStatusCode.BadRequest, GatewayErrorCodes.InvalidParameter, param), (error.Status, error.Code, error.Param));
    }

    [Fact]
    public async Task Export_JsonLines_StreamsOneRecordPerLine()
    {
        using var response = await Server.GetAsync("/admin/v1/usage/export?org_id=usage-acme");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var records = text.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, records.Count);
        Assert.All(records, r => Assert.Equal("usage-acme", r.GetProperty("org_id").GetString()));
        Assert.Equal(3, records.Count(r => r.GetProperty("verdict").GetString() == "ok"));
        var refused = Assert.Single(records, r => r.GetProperty("verdict").GetString() == "forbidden");
        Assert.Equal(403, refused.GetProperty("status_code").GetInt32());
        Assert.Equal("gpt-4o-mini", refused.GetProperty("model").GetString());
        var ok = records.First(r => r.GetProperty("verdict").GetString() == "ok");
        Assert.Equal(1000, ok.GetProperty("input_tokens").GetInt64());
        Assert.Equal(0.0075m, ExactDecimal(ok.GetProperty("cost_usd")));
        Assert.Equal("openai", ok.GetProperty("provider").GetString());
        Assert.Equal("/v1/chat/completions", ok.GetProperty("endpoint").GetString());
        Assert.False(string.IsNullOrEmpty(ok.GetProperty("correlation_id").GetString()));
        Assert.True(ok.GetProperty("at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(-1));
        Assert.Equal(records.Select(r => r.GetProperty("at").GetDateTimeOffset()).Order(), records.Select(r => r.GetProperty("at").GetDateTimeOffset()));
    }

    [Fact]
    public async Task Export_Csv_HasAHeaderRowAndOneRowPerRecord()
    {
        using var response = await Server.GetAsync($"/admin/v1/usage/export?format=csv&key_id={fixture.TeamKeyId}");

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync(Ct)).Split("\r\n");
        Assert.Equal("at,correlation_id,key_id,team_id,org_id,endpoint,model,provider,input_tokens,output_tokens,total_tokens,cost_usd,latency_ms,verdict,status_code", lines[0]);
        Assert.Equal("", lines[^1]);
        var rows = lines[1..^1].Select(l => l.Split(',')).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal(15, r.Length);
            Assert.Equal(fixture.TeamKeyId, r[2]);
            Assert.Equal("usage-team", r[3]);
            Assert.Equal("gpt-4o", r[6]);
            Assert.Equal(0.0075m, decimal.Parse(r[11], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));
            Assert.Equal("ok", r[13]);
            Assert.Equal("200", r[14]);
        });
    }

    /// <summary>Reads a JSON number as decimal from its text (never through a double).</summary>
    private static decimal ExactDecimal(JsonElement number)
    {
        Assert.Equal(JsonValueKind.Number, number.ValueKind);
        Assert.DoesNotContain("e", number.GetRawText(), StringComparison.OrdinalIgnoreCase);
        return decimal.Parse(number.GetRawText(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
    }

    /// <summary>The server, with the requests made once for the whole class.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public AdminServer Server { get; private set; } = null!;

        public string TeamKeyId { get; private set; } = null!;

        public string PlainKeyId { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Server = await AdminServer.StartAsync();
            await Server.CreateOrgAsync("usage-acme");
            await Server.CreateOrgAsync("usage-other");
            await Server.JsonAsync(HttpMethod.Post, "/admin/v1/teams", """{"id":"usage-team","org_id":"usage-acme","name":"T"}""", HttpStatusCode.Created);
            var teamKey = await Server.CreateKeyAsync("usage-acme", ",\"team_id\":\"usage-team\"");
            var plainKey = await Server.CreateKeyAsync("usage-acme", ""","access":{"denied_models":["gpt-4o-mini"]}""");
            var otherKey = await Server.CreateKeyAsync("usage-other");
            TeamKeyId = teamKey.GetProperty("id").GetString()!;
            PlainKeyId = plainKey.GetProperty("id").GetString()!;

            foreach (var (key, model) in new[] { (teamKey, "gpt-4o"), (teamKey, "gpt-4o"), (plainKey, "gpt-4o"), (plainKey, "gpt-4o-mini"), (otherKey, "gpt-4o") })
            {
                Server.OpenAI.Enqueue(FakeReply.Text("Hi.", new FakeUsage(1000, 500)));
                using var response = await Server.ChatAsync(key.GetProperty("secret").GetString()!, model);
                Assert.Equal(model == "gpt-4o-mini" ? HttpStatusCode.Forbidden : HttpStatusCode.OK, response.StatusCode);
            }
        }

        public async ValueTask DisposeAsync() => await Server.DisposeAsync();
    }
}
