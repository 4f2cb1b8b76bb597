using System.Text.Json;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Tests.Storage;
using ThreadSync.Hosting.Tests.Admin;

namespace ThreadSync.Hosting.Tests.Conversations;

/// <summary>The conversation API and the policy fields on PostgreSQL: the same visibility rules, and the policy stored there.</summary>
public sealed class ConversationPostgresTests
{
    [Fact]
    public async Task Visibility_OwnerSameOrgAndOtherOrg_OnPostgres()
    {
        await using var database = await PostgresTestServer.CreateDatabaseAsync();
        await using var server = await StartAsync(database);

        await ConversationVisibility.RunAsync(new ConversationHttp(server), "pg-vis");
    }

    [Fact]
    public async Task PolicyFields_AreStoredInPostgres_AndSeenByAnotherInstance()
    {
        await using var database = await PostgresTestServer.CreateDatabaseAsync();
        await using var a = await StartAsync(database);
        await using var b = await StartAsync(database);
        await a.CreateOrgAsync("pg-policy");

        await a.JsonAsync(HttpMethod.Put, "/admin/v1/orgs/pg-policy/policy", """{"conversation_capture":"metadata","conversation_retention_days":365}""");
        var read = await b.JsonAsync(HttpMethod.Get, "/admin/v1/orgs/pg-policy/policy");

        Assert.Equal("metadata", read.GetProperty("conversation_capture").GetString());
        Assert.Equal(365, read.GetProperty("conversation_retention_days").GetInt32());
        Assert.Equal(JsonValueKind.Object, read.ValueKind);
    }

    private static Task<AdminServer> StartAsync(PostgresTestDatabase database) => AdminServer.StartAsync(new()
    {
        ["ThreadSync:Storage:Provider"] = nameof(StorageProvider.Postgres),
        ["ThreadSync:Storage:ConnectionString"] = database.ConnectionString,
    });
}
