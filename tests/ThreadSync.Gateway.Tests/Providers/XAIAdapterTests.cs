using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Tests.TestSupport;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.Providers;

public sealed class XAIAdapterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetResponse_ReasoningTokens_AreCountedAsOutputAndProviderCostKept()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.XAI);
        gateway.Upstream.Enqueue(FakeReply.Text("Paris.", new FakeUsage(12, 2, ReasoningTokens: 200, CostUsd: 0.000517m))
            .WithReasoning("The user asks about France.")
            .WithCitations(["https://example.org/paris"]));

        var response = await gateway.Chat.GetResponseAsync("Capital of France?", new ChatOptions { ModelId = "grok-4.3", MaxOutputTokens = 300 }, Ct);

        var body = gateway.Upstream.LastRequest.Json;
        Assert.Equal(300, body.GetProperty("max_tokens").GetInt32());
        Assert.False(body.TryGetProperty("max_completion_tokens", out _));
        Assert.Equal("Paris.", response.Text);
        Assert.Equal(202, response.Usage!.OutputTokenCount); // xAI reports reasoning outside completion_tokens
        Assert.Equal(200, response.Usage.ReasoningTokenCount);
        Assert.Equal("The user asks about France.", Assert.Single(response.Messages[0].Contents.OfType<TextReasoningContent>()).Text);
        var citation = Assert.Single(response.Messages[0].Contents.SelectMany(c => c.Annotations ?? []).OfType<CitationAnnotation>());
        Assert.Equal("https://example.org/paris", citation.Url!.OriginalString);

        var usage = response.GetGatewayContext()!.Usage!;
        Assert.Equal(0.000517m, usage.ProviderReportedCostUsd);
        Assert.Equal((12 * 1.25m + 202 * 2.50m) / 1_000_000m, usage.CostUsd);
    }

    [Fact]
    public async Task GetStreamingResponse_ReasoningThenTextThenWholeToolCall()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.XAI);
        gateway.Upstream.Enqueue(FakeReply.ToolCalls([new FakeToolCall("call_x", "lookup", """{"q":"x"}""")], new FakeUsage(5, 3, ReasoningTokens: 7), text: "Checking.").WithReasoning("Thinking hard."));

        var updates = await gateway.StreamAsync([new ChatMessage(ChatRole.User, "go")], new ChatOptions { ModelId = "grok-4.3" });

        Assert.True(gateway.Upstream.LastRequest.Json.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        var contents = updates.SelectMany(u => u.Contents).ToList();
        var firstReasoning = contents.FindIndex(c => c is TextReasoningContent);
        var firstText = contents.FindIndex(c => c is TextContent { Text.Length: > 0 });
        Assert.True(firstReasoning >= 0 && firstReasoning < firstText, "reasoning precedes content");
        Assert.Equal("Thinking hard.", string.Concat(contents.OfType<TextReasoningContent>().Select(r => r.Text)));
        var call = Assert.Single(contents.OfType<FunctionCallContent>());
        Assert.Equal("x", ((JsonElement)call.Arguments!["q"]!).GetString());
        Assert.Equal(10, Assert.Single(contents.OfType<UsageContent>()).Details.OutputTokenCount);
    }

    [Fact]
    public async Task GetResponse_RetiredModel_IsServedByItsReplacement()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.XAI);
        var context = new GatewayRequestContext(GatewayCaller.InProcess);

        var response = await gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = "grok-3" }.WithGatewayContext(context), Ct);

        Assert.Equal("grok-4.3", gateway.Upstream.LastRequest.Json.GetProperty("model").GetString());
        Assert.Equal("grok-4.3", response.ModelId);
        Assert.Equal("grok-3", context.RemappedFrom);
        Assert.Equal(RouteMethod.Pinned, context.RouteMethod);
        Assert.Contains("retired grok-3 remapped to grok-4.3", context.RouteReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponse_RetiredModel_UnderRefusePolicy_Is410NamingTheReplacement()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.XAI, o => o.Routing.RetiredModels = RetiredModelHandling.Refuse);

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = "grok-3" }, Ct));

        Assert.Equal(410, error.StatusCode);
        Assert.Equal(GatewayErrorCodes.ModelRetired, error.Code);
        Assert.Contains("grok-4.3", error.Message, StringComparison.Ordinal);
        Assert.Equal("model", error.Param);
        Assert.Equal(0, gateway.Upstream.RequestCount);
    }

    [Fact]
    public async Task GetResponse_ErrorBodyWithHttp200_IsAnError()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.XAI);
        gateway.Upstream.Enqueue(FakeReply.Raw(200, "application/json", """{"code":"Some requested entity was not found","error":"The model does not exist."}"""));

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", new ChatOptions { ModelId = "grok-4.3" }, Ct));

        Assert.Equal(502, error.StatusCode);
        Assert.Equal(GatewayErrorCodes.UpstreamError, error.Code);
    }
}
