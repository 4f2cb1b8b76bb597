using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Routing.Internal;

namespace ThreadSync.Gateway.Tests.Routing;

public sealed class LlmRouterTests
{
    private static readonly ModelDescriptor Router = RoutingTestCatalog.Get("fast-a");

    private static readonly ModelDescriptor[] Candidates =
        [RoutingTestCatalog.Get("big-coder"), RoutingTestCatalog.Get("cheap-coder"), RoutingTestCatalog.Get("searcher"), RoutingTestCatalog.Get("searcher-pro")];

    private static Task<LlmRouterResult> ChooseAsync(IChatClient client, TimeSpan? timeout = null, CancellationToken? cancellationToken = null, string prompt = "Fix my SQL query") =>
        new LlmRouter(TimeProvider.System).ChooseAsync(client, Router, Candidates, [new ChatMessage(ChatRole.User, prompt)], timeout ?? TimeSpan.FromSeconds(30), cancellationToken ?? TestContext.Current.CancellationToken);

    [Theory]
    [InlineData("cheap-coder", "cheap-coder")]
    [InlineData("  `Cheap-Coder`.\n", "cheap-coder")]
    [InlineData("coder", "big-coder")]
    [InlineData("I would pick cheap-coder for this request.", "cheap-coder")]
    [InlineData("Best: searcher-pro (fresh facts), not searcher.", "searcher-pro")]
    [InlineData("Use searcher.", "searcher")]
    [InlineData("model: big-coder", "big-coder")]
    public async Task ChooseAsync_Answer_ResolvesToTheCandidate(string answer, string expected)
    {
        var usage = new UsageDetails { InputTokenCount = 120, OutputTokenCount = 4 };

        var result = await ChooseAsync(TestChatClient.Answering(answer, usage));

        Assert.Equal(LlmRouterOutcome.Chosen, result.Outcome);
        Assert.Equal(expected, result.Model?.Id);
        Assert.Same(usage, result.Usage);
    }

    [Theory]
    [InlineData("gpt-9000")]
    [InlineData("fast-b")]
    [InlineData("big-coder-2")]
    [InlineData("")]
    [InlineData("I cannot decide.")]
    public async Task ChooseAsync_UnknownOrNonCandidateAnswer_ReturnsNoModel_ButKeepsUsage(string answer)
    {
        var usage = new UsageDetails { InputTokenCount = 100, OutputTokenCount = 3 };

        var result = await ChooseAsync(TestChatClient.Answering(answer, usage));

        Assert.Equal(LlmRouterOutcome.UnknownAnswer, result.Outcome);
        Assert.Null(result.Model);
        Assert.Same(usage, result.Usage);
    }

    [Fact]
    public async Task ChooseAsync_RouterTooSlow_TimesOutWithNoModel()
    {
        var client = new TestChatClient
        {
            GetResponseAsyncCallback = async (_, _, token) =>
            {
                await Task.Delay(Timeout.Infinite, token);
                return new ChatResponse();
            },
        };

        var result = await ChooseAsync(client, TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken);

        Assert.Equal(LlmRouterOutcome.Timeout, result.Outcome);
        Assert.Null(result.Model);
        Assert.Null(result.Usage);
    }

    [Fact]
    public async Task ChooseAsync_RouterIgnoresItsToken_StillTimesOut()
    {
        var never = new TaskCompletionSource<ChatResponse>();
        var client = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => never.Task };

        var result = await ChooseAsync(client, TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken);

        Assert.Equal(LlmRouterOutcome.Timeout, result.Outcome);
    }

    [Fact]
    public async Task ChooseAsync_RouterFails_ReturnsErrorWithNoModel()
    {
        var client = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => throw new HttpRequestException("boom") };

        var result = await ChooseAsync(client);

        Assert.Equal(LlmRouterOutcome.Error, result.Outcome);
        Assert.Null(result.Model);
    }

    [Fact]
    public async Task ChooseAsync_CallerCancels_Propagates()
    {
        using var cancellation = new CancellationTokenSource();
        var client = new TestChatClient
        {
            GetResponseAsyncCallback = async (_, _, token) =>
            {
                await cancellation.CancelAsync();
                await Task.Delay(Timeout.Infinite, token);
                return new ChatResponse();
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ChooseAsync(client, cancellationToken: cancellation.Token));
    }

    [Fact]
    public async Task ChooseAsync_SendsCandidatesAndTheTruncatedLastUserMessage_ToTheRouterModel()
    {
        var client = TestChatClient.Answering("big-coder");
        var prompt = "Fix my SQL query. " + new string('x', 5_000);

        await ChooseAsync(client, prompt: prompt);

        Assert.Equal(Router.Id, client.LastOptions?.ModelId);
        Assert.Equal(ChatRole.System, client.LastMessages[0].Role);
        var system = client.LastMessages[0].Text;
        foreach (var candidate in Candidates)
        {
            Assert.Contains($"- {candidate.Id}: {candidate.Provider.ToWireId()};", system, StringComparison.Ordinal);
        }

        Assert.Contains("$0.2/$1.25", system, StringComparison.Ordinal);
        Assert.Contains("+ $0.005 per request", system, StringComparison.Ordinal);
        var user = client.LastMessages[1].Text;
        Assert.Contains("Fix my SQL query.", user, StringComparison.Ordinal);
        Assert.InRange(user.Length, LlmRouter.MaxPromptChars, LlmRouter.MaxPromptChars + 100);
    }
}
