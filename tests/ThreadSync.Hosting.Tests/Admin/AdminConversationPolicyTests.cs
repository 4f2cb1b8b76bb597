using System.Net;
using System.Text.Json;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Governance;

namespace ThreadSync.Hosting.Tests.Admin;

/// <summary>The org policy's <c>conversation_capture</c> and <c>conversation_retention_days</c> through the admin API: defaults, round trip, persistence, refusals.</summary>
public sealed class AdminConversationPolicyTests(AdminServerFixture fixture) : IClassFixture<AdminServerFixture>
{
    private AdminServer Server => fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Defaults_AreFullCapture_AndKeepUntilDeleted()
    {
        var org = await Server.CreateOrgAsync("conv-policy-default");
        var policy = await Server.JsonAsync(HttpMethod.Get, "/admin/v1/orgs/conv-policy-default/policy");

        Assert.Equal("full", policy.GetProperty("conversation_capture").GetString());
        Assert.Equal(JsonValueKind.Null, policy.GetProperty("conversation_retention_days").ValueKind);
        Assert.Equal(policy.GetRawText(), org.GetProperty("policy").GetRawText());
    }

    [Theory]
    [InlineData("metadata", 1)]
    [InlineData("full", 3650)]
    [InlineData("off", 30)]
    public async Task Put_RoundTrips_AndIsStored(string capture, int days)
    {
        var id = $"conv-policy-{capture}";
        await Server.CreateOrgAsync(id);

        var put = await Server.JsonAsync(HttpMethod.Put, $"/admin/v1/orgs/{id}/policy", $$"""{"conversation_capture":"{{capture}}","conversation_retention_days":{{days}},"audit_content":true}""");
        var read = await Server.JsonAsync(HttpMethod.Get, $"/admin/v1/orgs/{id}/policy");
        var stored = await Server.Stores.Governance.GetOrgAsync(id, Ct);

        Assert.Equal(put.GetRawText(), read.GetRawText());
        Assert.Equal(capture, read.GetProperty("conversation_capture").GetString());
        Assert.Equal(days, read.GetProperty("conversation_retention_days").GetInt32());
        Assert.True(read.GetProperty("audit_content").GetBoolean());
        Assert.Equal(Enum.Parse<ConversationCapture>(capture, ignoreCase: true), stored!.Policy.ConversationCapture);
        Assert.Equal(days, stored.Policy.ConversationRetentionDays);
    }

    [Fact]
    public async Task Put_ReplacesThePolicy_SoAbsentOrNullFieldsGoBackToTheDefaults()
    {
        await Server.CreateOrgAsync("conv-policy-replace", ""","policy":{"conversation_capture":"off","conversation_retention_days":7}""");

        var created = await Server.JsonAsync(HttpMethod.Get, "/admin/v1/orgs/conv-policy-replace/policy");
        var nulls = await Server.JsonAsync(HttpMethod.Put, "/admin/v1/orgs/conv-policy-replace/policy", """{"conversation_capture":"metadata","conversation_retention_days":null}""");
        var emptied = await Server.JsonAsync(HttpMethod.Put, "/admin/v1/orgs/conv-policy-replace/policy", "{}");

        Assert.Equal("off", created.GetProperty("conversation_capture").GetString());
        Assert.Equal(7, created.GetProperty("conversation_retention_days").GetInt32());
        Assert.Equal("metadata", nulls.GetProperty("conversation_capture").GetString());
        Assert.Equal(JsonValueKind.Null, nulls.GetProperty("conversation_retention_days").ValueKind);
        Assert.Equal("full", emptied.GetProperty("conversation_capture").GetString());
        Assert.Equal(JsonValueKind.Null, emptied.GetProperty("conversation_retention_days").ValueKind);
    }

    [Theory]
    [InlineData("""{"conversation_capture":"on"}""", "conversation_capture")]
    [InlineData("""{"conversation_capture":"FULL"}""", "conversation_capture")]
    [InlineData("""{"conversation_capture":true}""", "conversation_capture")]
    [InlineData("""{"conversation_capture":2}""", "conversation_capture")]
    [InlineData("""{"conversation_retention_days":0}""", "conversation_retention_days")]
    [InlineData("""{"conversation_retention_days":3651}""", "conversation_retention_days")]
    [InlineData("""{"conversation_retention_days":-5}""", "conversation_retention_days")]
    [InlineData("""{"conversation_retention_days":1.5}""", "conversation_retention_days")]
    [InlineData("""{"conversation_retention_days":"30"}""", "conversation_retention_days")]
    [InlineData("""{"conversation_retention":30}""", "conversation_retention")]
    public async Task Put_RefusesBadValues_Naming_TheField_AndChangesNothing(string body, string param)
    {
        var id = "conv-policy-bad-" + Guid.NewGuid().ToString("N")[..8];
        await Server.CreateOrgAsync(id, ""","policy":{"conversation_capture":"metadata","conversation_retention_days":5}""");

        using var response = await Server.PutAsync($"/admin/v1/orgs/{id}/policy", body);
        var error = await AdminServer.ErrorAsync(response);
        var after = await Server.JsonAsync(HttpMethod.Get, $"/admin/v1/orgs/{id}/policy");

        Assert.Equal((HttpStatusCode.BadRequest, GatewayErrorCodes.InvalidParameter, param), (error.Status, error.Code, error.Param));
        Assert.Contains(param, error.Message, StringComparison.Ordinal);
        Assert.Equal("metadata", after.GetProperty("conversation_capture").GetString());
        Assert.Equal(5, after.GetProperty("conversation_retention_days").GetInt32());
    }

    [Fact]
    public async Task CreateOrg_RefusesABadNestedCapture_NamingItsPath()
    {
        using var response = await Server.PostAsync("/admin/v1/orgs", """{"id":"conv-policy-nested","name":"x","policy":{"conversation_capture":"everything"}}""");
        var error = await AdminServer.ErrorAsync(response);

        Assert.Equal((HttpStatusCode.BadRequest, "policy.conversation_capture"), (error.Status, error.Param));
        Assert.Contains("off, metadata, full", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_SurvivesARestart()
    {
        var dataDirectory = AdminServer.NewDataDirectory();
        try
        {
            await using (var first = await AdminServer.StartAsync(dataDirectory: dataDirectory))
            {
                await first.CreateOrgAsync("conv-policy-restart");
                await first.JsonAsync(HttpMethod.Put, "/admin/v1/orgs/conv-policy-restart/policy", """{"conversation_capture":"full","conversation_retention_days":90}""");
            }

            await using var second = await AdminServer.StartAsync(dataDirectory: dataDirectory);
            var read = await second.JsonAsync(HttpMethod.Get, "/admin/v1/orgs/conv-policy-restart/policy");

            Assert.Equal("full", read.GetProperty("conversation_capture").GetString());
            Assert.Equal(90, read.GetProperty("conversation_retention_days").GetInt32());
        }
        finally
        {
            AdminServer.DeleteDataDirectory(dataDirectory);
        }
    }
}
