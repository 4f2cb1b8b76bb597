using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Routing.Internal;

namespace ThreadSync.Gateway.Tests.Routing;

public sealed class AutoRoutingTests
{
    private const string CodePrompt = "Why does this function throw a NullReferenceException?";

    private static RoutePlanner Planner(RoutingMode mode, IModelAvailability? availability = null)
    {
        var routing = RoutingTestCatalog.Options();
        routing.Mode = mode;
        routing.RouterModel = "fast-a";
        routing.RouterTimeout = TimeSpan.FromMilliseconds(50);
        return RoutingTestCatalog.Planner(routing, availability);
    }

    private static ValueTask<RouteDecision> DecideAsync(RoutePlanner planner, IChatClient? router) =>
        planner.DecideAutoAsync([new ChatMessage(ChatRole.User, CodePrompt)], null, planner.PolicyFor(null), router, cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public async Task DecideAutoAsync_HeuristicMode_NeverCallsTheRouter()
    {
        var router = TestChatClient.Answering("cheap-coder");

        var decision = await DecideAsync(Planner(RoutingMode.Heuristic), router);

        Assert.Equal(0, router.Calls);
        Assert.Equal(RouteMethod.Heuristic, decision.Method);
        Assert.Equal("big-coder", decision.Model.Id);
        Assert.Null(decision.RouterUsage);
    }

    [Fact]
    public async Task DecideAutoAsync_RouterChoosesACandidate_IsAutoRouter_WithTheHeuristicChainBehind()
    {
        var usage = new UsageDetails { InputTokenCount = 300, OutputTokenCount = 5 };
        var router = TestChatClient.Answering("cheap-coder", usage);

        var decision = await DecideAsync(Planner(RoutingMode.LlmRouter), router);

        Assert.Equal(1, router.Calls);
        Assert.Equal("cheap-coder", decision.Model.Id);
        Assert.Equal(RouteMethod.AutoRouter, decision.Method);
        Assert.Equal("router=fast-a; intent=code; needs=none; chose=cheap-coder", decision.Reason);
        Assert.Equal("big-coder", decision.Candidates[1].Id);
        Assert.Equal(decision.Candidates.Count, decision.Candidates.Distinct().Count());
        Assert.Same(usage, decision.RouterUsage);
        Assert.Equal("fast-a", decision.RouterModel?.Id);
    }

    [Fact]
    public async Task DecideAutoAsync_RouterMayPickAPreferredModelOfAnotherIntent()
    {
        var decision = await DecideAsync(Planner(RoutingMode.LlmRouter), TestChatClient.Answering("reasoner"));

        Assert.Equal("reasoner", decision.Model.Id);
        Assert.Equal(RouteMethod.AutoRouter, decision.Method);
    }

    [Fact]
    public async Task DecideAutoAsync_RouterTimesOut_FallsBackToTheHeuristic()
    {
        var router = new TestChatClient
        {
            GetResponseAsyncCallback = async (_, _, token) =>
            {
                await Task.Delay(Timeout.Infinite, token);
                return new ChatResponse();
            },
        };

        var decision = await DecideAsync(Planner(RoutingMode.LlmRouter), router);

        Assert.Equal(RouteMethod.Heuristic, decision.Method);
        Assert.Equal("big-coder", decision.Model.Id);
        Assert.Equal("llm_router_timeout; intent=code; needs=none; strategy=balanced; chose=big-coder", decision.Reason);
    }

    [Theory]
    [InlineData("no idea", "llm_router_unknown_answer")]
    [InlineData(null, "llm_router_error")]
    public async Task DecideAutoAsync_RouterAnswersBadlyOrFails_FallsBackToTheHeuristic(string? answer, string prefix)
    {
        var router = answer is null
            ? new TestChatClient { GetResponseAsyncCallback = (_, _, _) => throw new InvalidOperationException("down") }
            : TestChatClient.Answering(answer);

        var decision = await DecideAsync(Planner(RoutingMode.LlmRouter), router);

        Assert.Equal(RouteMethod.Heuristic, decision.Method);
        Assert.StartsWith(prefix + "; intent=code;", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecideAutoAsync_RouterModelUnavailable_FallsBackWithoutCalling()
    {
        var availability = new TestAvailability();
        availability.Models["fast-a"] = ModelAvailability.TemporarilyUnavailable;
        var router = TestChatClient.Answering("cheap-coder");

        var decision = await DecideAsync(Planner(RoutingMode.LlmRouter, availability), router);
        var noClient = await DecideAsync(Planner(RoutingMode.LlmRouter), null);

        Assert.Equal(0, router.Calls);
        Assert.StartsWith("llm_router_unavailable; ", decision.Reason, StringComparison.Ordinal);
        Assert.StartsWith("llm_router_unavailable; ", noClient.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecideAutoAsync_RouterSeesOnlyModelsThatFitTheRequest()
    {
        var router = TestChatClient.Answering("big-coder");
        var planner = Planner(RoutingMode.LlmRouter);
        List<ChatMessage> messages = [new(ChatRole.User, [new TextContent(CodePrompt), new DataContent(new byte[] { 1 }, "image/png")])];

        await planner.DecideAutoAsync(messages, null, planner.PolicyFor(null), router, cancellationToken: TestContext.Current.CancellationToken);

        var system = router.LastMessages[0].Text;
        Assert.Contains("- big-coder:", system, StringComparison.Ordinal);
        Assert.Contains("- reasoner:", system, StringComparison.Ordinal);
        Assert.DoesNotContain("- cheap-coder:", system, StringComparison.Ordinal);
        Assert.DoesNotContain("- text-only:", system, StringComparison.Ordinal);
    }
}
