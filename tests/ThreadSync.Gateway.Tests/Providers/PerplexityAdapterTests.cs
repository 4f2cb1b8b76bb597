using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Tests.TestSupport;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.Providers;

public sealed class PerplexityAdapterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetResponse_UsesPathWithoutV1_AndKeepsCitationsSearchResultsAndCost()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Perplexity);
        gateway.Upstream.Enqueue(FakeReply.Text("Paris is the capital [1].", new FakeUsage(9, 12, CostUsd: 0.006207m))
            .WithCitations(["https://example.org/paris"])
            .WithSearchResults([new FakeSearchResult("Paris", "https://example.org/paris", "2026-03-01", "Paris is…")]));

        var response = await gateway.Chat.GetResponseAsync("Capital of France?", new ChatOptions { ModelId = "sonar-pro", MaxOutputTokens = 64 }, Ct);

        Assert.Equal("/chat/completions", gateway.Upstream.LastRequest.Path);
        Assert.Equal(64, gateway.Upstream.LastRequest.Json.GetProperty("max_tokens").GetInt32());
        Assert.Equal("Paris is the capital [1].", response.Text);
        var annotations = response.Messages[0].Contents.SelectMany(c => c.Annotations ?? []).OfType<CitationAnnotation>().ToList();
        Assert.Equal(2, annotations.Count);
        Assert.Contains(annotations, a => a.Title == "Paris" && a.Snippet == "Paris is…");
        var usage = response.GetGatewayContext()!.Usage!;
        Assert.Equal(0.006207m, usage.ProviderReportedCostUsd);
        Assert.Equal((9 * 3.00m + 12 * 15.00m) / 1_000_000m + 0.006m, usage.CostUsd);
    }

    [Fact]
    public async Task GetResponse_ConsecutiveUserTurns_AreMergedSoRolesAlternate()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Perplexity);

        var response = await gateway.Chat.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "Be precise."), new ChatMessage(ChatRole.User, "First question."), new ChatMessage(ChatRole.User, "Second question.")],
            new ChatOptions { ModelId = "sonar" },
            Ct);

        var messages = gateway.Upstream.LastRequest.Json.GetProperty("messages");
        Assert.Equal(2, messages.GetArrayLength());
        Assert.Equal("First question.\n\nSecond question.", messages[1].GetProperty("content").GetString());
        Assert.Contains("Second question.", response.Text);
    }

    [Fact]
    public async Task GetStreamingResponse_CitationsRepeatedOnChunks_AreEmittedOnce_WithOrWithoutDone()
    {
        foreach (var sendsDone in new[] { true, false })
        {
            await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Perplexity, fakeOptions: new FakeProviderOptions { PerplexitySendsDone = sendsDone });
            gateway.Upstream.Enqueue(FakeReply.Text("Paris is the capital [1].", new FakeUsage(9, 8, CostUsd: 0.005017m)).WithCitations(["https://example.org/paris"]));

            var updates = await gateway.StreamAsync([new ChatMessage(ChatRole.User, "Capital?")], new ChatOptions { ModelId = "sonar" });

            Assert.False(gateway.Upstream.LastRequest.Json.TryGetProperty("stream_options", out _));
            Assert.Equal("Paris is the capital [1].", string.Concat(updates.Select(u => u.Text)));
            Assert.Single(updates.SelectMany(u => u.Contents).SelectMany(c => c.Annotations ?? []).OfType<CitationAnnotation>());
            Assert.Equal(8, Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details.OutputTokenCount);
        }
    }

    [Fact]
    public async Task GetResponse_ThinkPrefix_IsMovedToReasoning()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Perplexity);
        gateway.Upstream.Enqueue(FakeReply.Text("<think>Let me search.</think>\nParis."));

        var response = await gateway.Chat.GetResponseAsync("Capital?", new ChatOptions { ModelId = "sonar-reasoning-pro" }, Ct);

        Assert.Equal("Paris.", response.Text);
        Assert.Equal("Let me search.", Assert.Single(response.Messages[0].Contents.OfType<TextReasoningContent>()).Text);
    }

    [Fact]
    public async Task GetResponse_Tools_AreRefusedExplicitly()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.Perplexity);
        var options = new ChatOptions { ModelId = "sonar", Tools = [AIFunctionFactory.Create(() => "x", "f")] };

        var error = await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync("hi", options, Ct));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal(GatewayErrorCodes.UnsupportedParameter, error.Code);
        Assert.Contains("tool", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(gateway.Upstream.Requests);
    }
}
