using System.Net;
using System.Text.Json;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Tests.Conversations;

/// <summary>
/// The visibility rules on one server, whatever its store: the owner reads and changes; another subject of the same
/// org reads only what is shared and never changes it; another org sees nothing, exactly as if it did not exist.
/// </summary>
public static class ConversationVisibility
{
    public static async Task RunAsync(ConversationHttp api, string orgPrefix)
    {
        var keys = await api.OrgWithKeysAsync(orgPrefix + "-a", "full", 2);
        var (owner, sameOrg) = (keys[0].Secret, keys[1].Secret);
        var otherOrg = (await api.OrgWithKeysAsync(orgPrefix + "-b", "full", 1))[0].Secret;
        var id = await api.CreateAsync(owner, "Private notes");
        var path = $"/v1/conversations/{id}";
        var missing = await api.ErrorAsync(HttpMethod.Get, "/v1/conversations/conv_00000000000000000000000000000000", owner);

        // Another org: 404 for everything, worded as for a conversation that does not exist.
        foreach (var (method, body) in new[] { (HttpMethod.Get, (string?)null), (HttpMethod.Patch, """{"title":"x"}"""), (HttpMethod.Delete, null) })
        {
            var error = await api.ErrorAsync(method, path, otherOrg, body);
            Assert.Equal((HttpStatusCode.NotFound, GatewayErrorCodes.ConversationNotFound), (error.Status, error.Code));
            Assert.Equal(missing.Message.Replace("conv_00000000000000000000000000000000", id, StringComparison.Ordinal), error.Message);
        }

        // The same org, another subject: not shared yet, so not there.
        var hidden = await api.ErrorAsync(HttpMethod.Get, path, sameOrg);
        Assert.Equal((HttpStatusCode.NotFound, GatewayErrorCodes.ConversationNotFound), (hidden.Status, hidden.Code));
        Assert.Empty(await api.IdsAsync("/v1/conversations?shared=true", sameOrg));

        var shared = await api.JsonAsync(HttpMethod.Patch, path, owner, """{"shared":true}""");
        Assert.True(shared.GetProperty("shared").GetBoolean());

        // Shared: the other subject reads it and lists it among the org's shared conversations, but may not change it.
        var read = await api.JsonAsync(HttpMethod.Get, path, sameOrg);
        Assert.Equal(id, read.GetProperty("id").GetString());
        Assert.Equal(keys[0].Id, read.GetProperty("owner").GetString());
        Assert.Equal([id], await api.IdsAsync("/v1/conversations?shared=true", sameOrg));
        Assert.Empty(await api.IdsAsync("/v1/conversations", sameOrg));
        Assert.Empty(await api.IdsAsync("/v1/conversations?shared=true", otherOrg));
        foreach (var (method, body) in new[] { (HttpMethod.Patch, (string?)"""{"shared":false}"""), (HttpMethod.Delete, null) })
        {
            var error = await api.ErrorAsync(method, path, sameOrg, body);
            Assert.Equal((HttpStatusCode.Forbidden, GatewayErrorCodes.ConversationReadOnly), (error.Status, error.Code));
        }

        // Still there, still shared, still titled: the refused writes changed nothing. Another org still sees nothing.
        var after = await api.JsonAsync(HttpMethod.Get, path, owner);
        Assert.True(after.GetProperty("shared").GetBoolean());
        Assert.Equal("Private notes", after.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await api.ErrorAsync(HttpMethod.Get, path, otherOrg)).Status);

        // Unshared again: hidden from the other subject once more.
        var unshared = await api.JsonAsync(HttpMethod.Patch, path, owner, """{"shared":false}""");
        Assert.False(unshared.GetProperty("shared").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await api.ErrorAsync(HttpMethod.Get, path, sameOrg)).Status);
        Assert.Empty(await api.IdsAsync("/v1/conversations?shared=true", sameOrg));
        Assert.Equal(JsonValueKind.Object, (await api.JsonAsync(HttpMethod.Get, path, owner)).ValueKind);
    }
}
