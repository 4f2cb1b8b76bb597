using System.Net;
using System.Text.Json;

namespace ThreadSync.Hosting.Tests.Admin;

/// <summary>App clients over the admin API: create, read, list, update, revoke; origins normalized and checked.</summary>
public sealed class AdminAppClientTests
{
    [Fact]
    public async Task AppClients_AreCreatedReadUpdatedAndRevoked_WithNormalizedOrigins()
    {
        await using var server = await AdminServer.StartAsync();
        await server.CreateOrgAsync("apps");

        var created = await server.JsonAsync(
            HttpMethod.Post,
            "/admin/v1/app-clients",
            """{"org_id":"apps","name":"Web app","allowed_origins":["https://App.Example.com:443","http://localhost:5173","https://app.example.com"],"access":{"allowed_models":["gpt-*"]},"session_lifetime_seconds":600}""",
            HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("app_", id, StringComparison.Ordinal);
        Assert.Equal(["https://app.example.com", "http://localhost:5173"], created.GetProperty("allowed_origins").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal(600, created.GetProperty("session_lifetime_seconds").GetInt32());
        Assert.Equal("gpt-*", created.GetProperty("access").GetProperty("allowed_models")[0].GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("revoked_at").ValueKind);

        var read = await server.JsonAsync(HttpMethod.Get, $"/admin/v1/app-clients/{id}");
        Assert.Equal(created.GetRawText(), read.GetRawText());

        var updated = await server.JsonAsync(HttpMethod.Patch, $"/admin/v1/app-clients/{id}", """{"allowed_origins":["https://new.example.com"]}""");
        Assert.Equal(["https://new.example.com"], updated.GetProperty("allowed_origins").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal("Web app", updated.GetProperty("name").GetString());

        var list = await server.JsonAsync(HttpMethod.Get, "/admin/v1/app-clients?org_id=apps");
        Assert.Equal([id], list.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("id").GetString()));

        var revoked = await server.JsonAsync(HttpMethod.Post, $"/admin/v1/app-clients/{id}/revoke");
        Assert.NotEqual(JsonValueKind.Null, revoked.GetProperty("revoked_at").ValueKind);
        Assert.NotNull((await server.Stores.Sessions.GetAppClientAsync(id, TestContext.Current.CancellationToken))!.RevokedAt);
    }

    [Theory]
    [InlineData("""{"org_id":"apps","name":"x","allowed_origins":["https://a.example.com/path"]}""", "allowed_origins[0]")]
    [InlineData("""{"org_id":"apps","name":"x","allowed_origins":["*"]}""", "allowed_origins[0]")]
    [InlineData("""{"org_id":"apps","name":"x","allowed_origins":[]}""", "allowed_origins")]
    [InlineData("""{"org_id":"apps","name":"x"}""", "allowed_origins")]
    [InlineData("""{"org_id":"apps","name":"x","allowed_origins":["https://a.example.com"],"session_lifetime_seconds":5}""", "session_lifetime_seconds")]
    [InlineData("""{"org_id":"nope","name":"x","allowed_origins":["https://a.example.com"]}""", "org_id")]
    public async Task BadAppClients_AreRefused_NamingTheField(string body, string param)
    {
        await using var server = await AdminServer.StartAsync();
        await server.CreateOrgAsync("apps");
        using var response = await server.PostAsync("/admin/v1/app-clients", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(param, json.RootElement.GetProperty("error").GetProperty("param").GetString());
    }
}
