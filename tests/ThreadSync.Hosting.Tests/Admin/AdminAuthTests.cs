using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Audit;

namespace ThreadSync.Hosting.Tests.Admin;

/// <summary>The admin key: configured or generated once (only its hash kept), never an inference key.</summary>
public sealed class AdminAuthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AdminRequest_WithoutKey_Is401MissingApiKey_AndNotAudited()
    {
        await using var server = await AdminServer.StartAsync();

        using var response = await server.GetAsync("/admin/v1/orgs", key: null);

        var error = await AdminServer.ErrorAsync(response);
        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
        Assert.Equal(GatewayErrorCodes.MissingApiKey, error.Code);
        Assert.Empty(await server.Stores.Audit.ListLatestAsync(AuditKinds.Admin, 10, Ct));
    }

    [Fact]
    public async Task AdminRequest_WithWrongKey_Is401InvalidApiKey()
    {
        await using var server = await AdminServer.StartAsync();

        using var response = await server.GetAsync("/admin/v1/orgs", key: AdminServer.AdminKey + "x");

        var error = await AdminServer.ErrorAsync(response);
        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
        Assert.Equal(GatewayErrorCodes.InvalidApiKey, error.Code);
        Assert.Equal("authentication_error", Type(await response.Content.ReadAsStringAsync(Ct)));
    }

    [Fact]
    public async Task AdminRequest_WithAnInferenceKey_Is401_AndTheAdminKeyIsNoInferenceKey()
    {
        const string BootstrapKey = "tsg-bootstrap-key-for-admin-tests-0123";
        await using var server = await AdminServer.StartAsync(new() { ["ThreadSync:Auth:BootstrapKeys:0"] = BootstrapKey });
        await server.CreateOrgAsync("acme");
        var secret = (await server.CreateKeyAsync("acme")).GetProperty("secret").GetString()!;

        using var managed = await server.GetAsync("/admin/v1/orgs", key: secret);
        using var bootstrap = await server.GetAsync("/admin/v1/orgs", key: BootstrapKey);
        using var adminAsInference = await server.ChatAsync(AdminServer.AdminKey);

        Assert.Equal(GatewayErrorCodes.InvalidApiKey, (await AdminServer.ErrorAsync(managed)).Code);
        Assert.Equal(GatewayErrorCodes.InvalidApiKey, (await AdminServer.ErrorAsync(bootstrap)).Code);
        Assert.Equal(HttpStatusCode.Unauthorized, adminAsInference.StatusCode);
        Assert.Equal(0, server.OpenAI.RequestCount);
    }

    [Fact]
    public async Task AdminRequest_WithConfiguredKey_WorksAsBearerAndAsXApiKey()
    {
        await using var server = await AdminServer.StartAsync();

        using var bearer = await server.SendAsync(HttpMethod.Get, "/admin/v1/orgs");
        using var apiKey = await server.SendAsync(HttpMethod.Get, "/admin/v1/orgs", bearer: false);

        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, apiKey.StatusCode);
        Assert.NotEmpty(TestHttp.Header(bearer, "x-request-id"));
        Assert.Equal("no-store", bearer.Headers.CacheControl?.ToString());
        var entry = (await server.Stores.Audit.ListLatestAsync(AuditKinds.Admin, 10, Ct))[0];
        Assert.Equal("admin:configured-key", entry.Actor);
        Assert.Equal("org.list", entry.Action);
    }

    [Fact]
    public async Task EnsureAdminKey_WithoutConfiguredKey_GeneratesOneOnce_AndStoresOnlyItsHash()
    {
        var dataDirectory = AdminServer.NewDataDirectory();
        try
        {
            string adminKey;
            await using (var server = await AdminServer.StartAsync(configureAdminKey: false, dataDirectory: dataDirectory))
            {
                using var before = await server.GetAsync("/admin/v1/orgs", key: "tsg-admin-guess-0123456789abcdef");
                Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);

                adminKey = (await server.App.EnsureThreadSyncAdminKeyAsync(Ct))!;
                var second = await server.App.EnsureThreadSyncAdminKeyAsync(Ct);

                Assert.NotNull(adminKey);
                Assert.StartsWith("tsg-admin-", adminKey, StringComparison.Ordinal);
                Assert.True(adminKey.Length >= 50);
                Assert.Null(second);
                var stored = await server.Stores.Governance.GetSettingAsync("admin_key_sha256", Ct);
                Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(adminKey))), stored);
                Assert.DoesNotContain(adminKey, stored!, StringComparison.Ordinal);

                using var works = await server.GetAsync("/admin/v1/orgs", key: adminKey);
                using var wrong = await server.GetAsync("/admin/v1/orgs", key: adminKey[..^1]);
                Assert.Equal(HttpStatusCode.OK, works.StatusCode);
                Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
                Assert.Equal("admin:generated-key", (await server.Stores.Audit.ListLatestAsync(AuditKinds.Admin, 1, Ct))[0].Actor);
            }

            // A restart on the same database generates nothing new, and the key still works.
            await using (var restarted = await AdminServer.StartAsync(configureAdminKey: false, dataDirectory: dataDirectory))
            {
                Assert.Null(await restarted.App.EnsureThreadSyncAdminKeyAsync(Ct));
                using var works = await restarted.GetAsync("/admin/v1/orgs", key: adminKey);
                Assert.Equal(HttpStatusCode.OK, works.StatusCode);
            }
        }
        finally
        {
            AdminServer.DeleteDataDirectory(dataDirectory);
        }
    }

    [Fact]
    public async Task EnsureAdminKey_WithConfiguredKey_GeneratesNothing_AndTheConfiguredKeyWins()
    {
        await using var server = await AdminServer.StartAsync();

        Assert.Null(await server.App.EnsureThreadSyncAdminKeyAsync(Ct));

        Assert.Null(await server.Stores.Governance.GetSettingAsync("admin_key_sha256", Ct));
        using var response = await server.GetAsync("/admin/v1/orgs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AdminRequest_WithNoAdminKeyAnywhere_Is401()
    {
        await using var server = await AdminServer.StartAsync(configureAdminKey: false);

        using var response = await server.GetAsync("/admin/v1/orgs", key: "anything-at-all-0123456789");

        var error = await AdminServer.ErrorAsync(response);
        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
        Assert.Contains("ThreadSync:Admin:ApiKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AdminKeyTooShort_FailsNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => AdminServer.StartAsync(new() { ["ThreadSync:Admin:ApiKey"] = "short" }));

        Assert.Contains("ThreadSync:Admin:ApiKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminApi_Disabled_Is404()
    {
        await using var server = await AdminServer.StartAsync(new() { ["ThreadSync:Admin:Enabled"] = "false" });

        using var response = await server.GetAsync("/admin/v1/orgs");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static string? Type(string body) =>
        System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("type").GetString();
}
