using System.Net;

namespace ThreadSync.Hosting.Tests;

/// <summary>Auto-routing and retired-model handling through the real server, as clients see them.</summary>
public sealed class RoutingHttpTests
{
    private const string Chat = "/v1/chat/completions";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("""{"model":"gpt-4o","auto_route":true,"messages":[{"role":"user","content":"Fix this Python function: def add(a, b): return a - b  # it throws a TypeError"}]}""")]
    [InlineData("""{"model":"auto","messages":[{"role":"user","content":"Fix this Python function: def add(a, b): return a - b  # it throws a TypeError"}]}""")]
    public async Task AutoRoute_CodeRequest_IsRoutedHeuristically_AndSaysWhy(string body)
    {
        await using var server = await FailoverServer.StartAsync();

        using var response = await server.PostAsync(Chat, body);
        var json = await TestHttp.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("heuristic", json.GetProperty("route_method").GetString());
        Assert.Equal("heuristic", TestHttp.Header(response, "x-threadsync-route-method"));
        Assert.Contains("intent=code", TestHttp.Header(response, "x-threadsync-route-reason"), StringComparison.Ordinal);
        var model = TestHttp.Header(response, "x-threadsync-model");
        Assert.Equal(model, json.GetProperty("model").GetString());
        var served = TestHttp.Header(response, "x-threadsync-provider") switch
        {
            "openai" => server.OpenAI,
            "anthropic" => server.Anthropic,
            "gemini" => server.Gemini,
            "xai" => server.XAI,
            var other => throw new Xunit.Sdk.XunitException($"routed to unexpected provider {other}"),
        };
        Assert.Equal(1, served.RequestCount);
        Assert.Equal(model, ModelSentTo(served));
    }

    [Fact]
    public async Task AutoRoute_ImageRequest_GoesToAVisionModel()
    {
        await using var server = await FailoverServer.StartAsync();
        const string Body = """
            {"model":"auto","messages":[{"role":"user","content":[{"type":"text","text":"What is in this picture?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]}
            """;

        using var response = await server.PostAsync(Chat, Body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("vision", TestHttp.Header(response, "x-threadsync-route-reason"), StringComparison.Ordinal);
        var model = TestHttp.Header(response, "x-threadsync-model");
        using var models = await server.Http.SendAsync(ModelsRequest(server), Ct);
        var entry = (await TestHttp.JsonAsync(models)).GetProperty("data").EnumerateArray().Single(m => m.GetProperty("id").GetString() == model);
        Assert.Contains(entry.GetProperty("capabilities").EnumerateArray(), c => c.GetString() == "vision");
    }

    [Fact]
    public async Task RetiredModel_IsServedByItsReplacement_VisibleInModelAndHeader()
    {
        await using var server = await FailoverServer.StartAsync();

        using var response = await server.PostAsync(Chat, """{"model":"grok-4","messages":[{"role":"user","content":"hi"}]}""");
        var json = await TestHttp.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("grok-4.3", json.GetProperty("model").GetString());
        Assert.Equal("grok-4", TestHttp.Header(response, "x-threadsync-model-remapped-from"));
        Assert.Equal("grok-4.3", ModelSentTo(server.XAI));
    }

    [Fact]
    public async Task RetiredModel_UnderTheRefusePolicy_Is410NamingTheReplacement()
    {
        await using var server = await FailoverServer.StartAsync(new() { ["ThreadSync:Routing:RetiredModels"] = "Refuse" });

        using var response = await server.PostAsync(Chat, """{"model":"grok-4","messages":[{"role":"user","content":"hi"}]}""");
        var error = (await TestHttp.JsonAsync(response)).GetProperty("error");

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Equal("model_retired", error.GetProperty("code").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Contains("grok-4.3", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, server.XAI.RequestCount);
    }

    private static string ModelSentTo(Testing.FakeUpstreams.FakeProviderServer upstream)
    {
        var json = upstream.LastRequest.Json;
        return json.TryGetProperty("model", out var model)
            ? model.GetString()!
            : upstream.LastRequest.Path.Split('/').Last().Split(':')[0];
    }

    private static HttpRequestMessage ModelsRequest(FailoverServer server)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUrl, "/v1/models"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ServerUnderTest.ClientKey);
        return request;
    }

}
