using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Catalog.Internal;
using ThreadSync.Gateway.Routing.Internal;

namespace ThreadSync.Gateway.Tests.Routing;

public sealed class RoutePlannerTests
{
    private const string CodePrompt = "Why does this function throw a NullReferenceException? ```csharp\nvar x = list.First();\n```";
    private const string FastPrompt = "Quick question: classify the sentiment of 'great product' in one word.";
    private const string SearchPrompt = "What's the latest news about the election today?";
    private const string ReasoningPrompt = "Prove step by step that there are infinitely many primes.";
    private const string GeneralPrompt = "Write a friendly note to my neighbour about the party on Saturday.";

    private static List<ChatMessage> User(string text) => [new(ChatRole.User, text)];

    private static List<ChatMessage> WithImage(string text) =>
        [new(ChatRole.User, [new TextContent(text), new DataContent(new byte[] { 1, 2, 3 }, "image/png")])];

    private static RouteDecision Decide(RoutePlanner planner, List<ChatMessage> messages, ChatOptions? options = null, string? org = null) =>
        planner.DecideHeuristic(messages, options, planner.PolicyFor(org));

    [Theory]
    [InlineData(CodePrompt, "code", "big-coder")]
    [InlineData(FastPrompt, "fast", "fast-a")]
    [InlineData(SearchPrompt, "search", "searcher-pro")]
    [InlineData(ReasoningPrompt, "reasoning", "reasoner")]
    [InlineData(GeneralPrompt, "general", "big-coder")]
    public void DecideHeuristic_Balanced_TakesTheIntentsFirstPreference(string prompt, string intent, string model)
    {
        var decision = Decide(RoutingTestCatalog.Planner(), User(prompt));

        Assert.Equal(model, decision.Model.Id);
        Assert.Equal(intent, decision.Intent.ToName());
        Assert.Equal(RouteMethod.Heuristic, decision.Method);
        Assert.Same(decision.Model, decision.Candidates[0]);
        Assert.Equal($"intent={intent}; needs={(intent == "search" ? "search" : "none")}; strategy=balanced; chose={model}", decision.Reason);
    }

    [Fact]
    public void DecideHeuristic_OnTheSystemClock_CountsThisYearAndNotTheNext()
    {
        // With the system clock the planner keeps the current year for up to a second (RoutePlanner.CurrentYear): the
        // first decision reads the clock, the next ones the kept year.
        var planner = RoutingTestCatalog.Planner(time: TimeProvider.System);
        var year = DateTimeOffset.UtcNow.Year;
        for (var i = 0; i < 3; i++)
        {
            var thisYear = Decide(planner, User($"Results of {year} please")).Intent.ToName();
            var nextYear = Decide(planner, User($"Results of {year + 1} please")).Intent.ToName();
            if (DateTimeOffset.UtcNow.Year == year)
            {
                Assert.Equal(("search", "general"), (thisYear, nextYear));
            }
        }
    }

    [Fact]
    public void DecideHeuristic_ARepeatedOutcome_SharesItsCandidatesAndAllocatesNothing()
    {
        var planner = RoutingTestCatalog.Planner();
        var code = User(CodePrompt);
        var first = Decide(planner, code);
        var policy = planner.PolicyFor(null);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var again = planner.DecideHeuristic(code, null, policy);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Same(first.Candidates, again.Candidates);
        Assert.Same(first.Reason, again.Reason);

        // Another outcome (another intent) gets its own candidates and reason, and the first is still right after it.
        var search = Decide(planner, User(SearchPrompt));
        Assert.NotSame(first.Candidates, search.Candidates);
        Assert.Equal("searcher-pro", search.Model.Id);
        Assert.StartsWith("intent=search;", search.Reason, StringComparison.Ordinal);
        var third = Decide(planner, code);
        Assert.Equal(first.Candidates.Select(m => m.Id), third.Candidates.Select(m => m.Id));
        Assert.Equal(first.Reason, third.Reason);
    }

    [Theory]
    [InlineData(CodePrompt, "cheap-coder")]
    [InlineData(FastPrompt, "text-only")]
    [InlineData(SearchPrompt, "searcher")]
    public void DecideHeuristic_Cost_TakesTheCheapestFittingModelOfTheIntent(string prompt, string model)
    {
        var decision = Decide(RoutingTestCatalog.Planner(RoutingTestCatalog.Options(RoutingStrategy.Cost)), User(prompt));

        Assert.Equal(model, decision.Model.Id);
        Assert.EndsWith("strategy=cost; chose=" + model, decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DecideHeuristic_Cost_RanksTheWholeIntentTierByEstimatedCost()
    {
        var decision = Decide(RoutingTestCatalog.Planner(RoutingTestCatalog.Options(RoutingStrategy.Cost)), User(FastPrompt));

        // fast: text-only ($0.1/$0.1) < fast-b ($0.75/$4.5) < fast-a ($1/$5); then the general tier.
        Assert.Equal(["text-only", "fast-b", "fast-a", "big-coder"], decision.Candidates.Take(4).Select(m => m.Id));
    }

    [Fact]
    public void DecideHeuristic_Cost_IncludesThePerRequestFee()
    {
        // A tiny request: the per-request fees ($0.005 and $0.006) are nearly the whole estimate.
        var decision = Decide(RoutingTestCatalog.Planner(RoutingTestCatalog.Options(RoutingStrategy.Cost)), User("latest news?"), new ChatOptions { MaxOutputTokens = 10 });

        Assert.Equal("searcher", decision.Model.Id);
        Assert.Equal("searcher-pro", decision.Candidates[1].Id);
    }

    [Fact]
    public void DecideHeuristic_ImageRequest_NeverRoutesToATextOnlyModel()
    {
        var planner = RoutingTestCatalog.Planner(RoutingTestCatalog.Options(RoutingStrategy.Cost));

        var decision = Decide(planner, WithImage(FastPrompt));

        Assert.Equal("fast-b", decision.Model.Id);
        Assert.All(decision.Candidates, m => Assert.True(m.Has(ModelCapabilities.Vision), m.Id));
        Assert.Contains("needs=vision", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DecideHeuristic_ImageWithoutText_IsVisionIntent()
    {
        var decision = Decide(RoutingTestCatalog.Planner(), [new ChatMessage(ChatRole.User, [new DataContent(new byte[] { 1 }, "image/jpeg")])]);

        Assert.Equal(RequestIntent.Vision, decision.Intent);
        Assert.Equal("big-coder", decision.Model.Id);
    }

    [Fact]
    public void DecideHeuristic_Tools_OnlyToolCapableModels_AndSearchModelsLoseTheSearchIntent()
    {
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(() => "sunny", "weather")] };

        var decision = Decide(RoutingTestCatalog.Planner(), User(SearchPrompt), options);

        Assert.NotEqual(RequestIntent.Search, decision.Intent);
        Assert.All(decision.Candidates, m => Assert.True(m.Has(ModelCapabilities.Tools), m.Id));
        Assert.Contains("needs=tools", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DecideHeuristic_JsonResponseFormat_NeedsJson()
    {
        var decision = Decide(RoutingTestCatalog.Planner(RoutingTestCatalog.Options(RoutingStrategy.Cost)), User(FastPrompt), new ChatOptions { ResponseFormat = ChatResponseFormat.Json });

        Assert.Equal("fast-b", decision.Model.Id);
        Assert.All(decision.Candidates, m => Assert.True(m.Has(ModelCapabilities.Json), m.Id));
    }

    [Fact]
    public void DecideHeuristic_LongContext_GoesToABigWindowModel()
    {
        var decision = Decide(RoutingTestCatalog.Planner(), User("Summarize this: " + new string('x', 1_200_000)));

        Assert.Equal(RequestIntent.LongContext, decision.Intent);
        Assert.Equal("huge", decision.Model.Id);
        Assert.All(decision.Candidates, m => Assert.True(m.ContextWindow >= 300_000, m.Id));
    }

    [Fact]
    public void DecideHeuristic_MidSizeContext_SkipsModelsWhoseWindowIsTooSmall()
    {
        // ~150K tokens, under a raised long-context threshold: fast intent, but text-only's 128K window is too small.
        var routing = RoutingTestCatalog.Options(RoutingStrategy.Cost);
        routing.LongContextTokens = 500_000;
        var decision = Decide(RoutingTestCatalog.Planner(routing), User("Quick tl;dr: " + new string('x', 600_000)), new ChatOptions { MaxOutputTokens = 1_000 });

        Assert.Equal(RequestIntent.Fast, decision.Intent);
        Assert.Equal("fast-b", decision.Model.Id);
        Assert.DoesNotContain(decision.Candidates, m => m.Id == "text-only");
        Assert.All(decision.Candidates, m => Assert.True(m.ContextWindow >= 151_000, m.Id));
    }

    [Fact]
    public void DecideHeuristic_RequestedOutputAboveAModelsLimit_SkipsIt()
    {
        var decision = Decide(RoutingTestCatalog.Planner(RoutingTestCatalog.Options(RoutingStrategy.Cost)), User(FastPrompt), new ChatOptions { MaxOutputTokens = 10_000 });

        Assert.DoesNotContain(decision.Candidates, m => m.Id == "text-only");
    }

    [Fact]
    public void DecideHeuristic_UnavailableProvider_IsSkipped()
    {
        var availability = new TestAvailability();
        availability.Providers[GatewayProvider.Anthropic] = ModelAvailability.TemporarilyUnavailable;

        var decision = Decide(RoutingTestCatalog.Planner(availability: availability), User(CodePrompt));

        Assert.Equal("cheap-coder", decision.Model.Id);
        Assert.DoesNotContain(decision.Candidates, m => m.Provider == GatewayProvider.Anthropic);
    }

    [Fact]
    public void DecideHeuristic_NoPreferredModelAvailable_FallsBackToTheRestOfTheCatalog()
    {
        var availability = new TestAvailability();
        availability.Providers[GatewayProvider.Anthropic] = ModelAvailability.ProviderNotConfigured;
        availability.Providers[GatewayProvider.OpenAI] = ModelAvailability.ProviderNotConfigured;

        var decision = Decide(RoutingTestCatalog.Planner(availability: availability), User(CodePrompt));

        // code and general prefer Anthropic and OpenAI models only; the active catalog follows, in catalog order.
        Assert.Equal("text-only", decision.Model.Id);
        Assert.DoesNotContain(decision.Candidates, m => m.Id == "old-model");
    }

    [Fact]
    public void DecideHeuristic_AllowedPredicate_ExcludesModels()
    {
        var planner = RoutingTestCatalog.Planner();

        var decision = planner.DecideHeuristic(User(CodePrompt), null, planner.PolicyFor(null), m => m.Id != "big-coder");

        Assert.Equal("cheap-coder", decision.Model.Id);
        Assert.DoesNotContain(decision.Candidates, m => m.Id == "big-coder");
    }

    [Fact]
    public void DecideHeuristic_NothingCanTakeTheRequest_Is400NoRoute()
    {
        // Vision and 600K tokens: only "huge" has the window, and the allow-list excludes it.
        var planner = RoutingTestCatalog.Planner();

        var error = Assert.Throws<GatewayException>(() =>
            planner.DecideHeuristic(WithImage("Describe: " + new string('x', 2_400_000)), null, planner.PolicyFor(null), m => m.Id != "huge"));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal(GatewayErrorCodes.NoRoute, error.Code);
        Assert.Contains("vision", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecideHeuristic_FittingModelsAllUnavailable_Is503NoRoute()
    {
        var availability = new TestAvailability();
        foreach (var provider in Enum.GetValues<GatewayProvider>())
        {
            availability.Providers[provider] = ModelAvailability.TemporarilyUnavailable;
        }

        var error = Assert.Throws<GatewayException>(() => Decide(RoutingTestCatalog.Planner(availability: availability), User(CodePrompt)));

        Assert.Equal(503, error.StatusCode);
        Assert.Equal(GatewayErrorCodes.NoRoute, error.Code);
    }

    [Fact]
    public void DecideHeuristic_Latency_FollowsTheObservedAverage()
    {
        var latency = new ModelLatencyTracker(RoutingTestCatalog.Catalog);
        var planner = RoutingTestCatalog.Planner(RoutingTestCatalog.Options(RoutingStrategy.Latency), latency: latency);
        latency.Record("fast-a", TimeSpan.FromMilliseconds(900));
        latency.Record("fast-b", TimeSpan.FromMilliseconds(300));

        var first = Decide(planner, User(FastPrompt));

        // Observed ones first by average; the unobserved text-only after them.
        Assert.Equal(["fast-b", "fast-a", "text-only"], first.Candidates.Take(3).Select(m => m.Id));
        Assert.EndsWith("strategy=latency; chose=fast-b", first.Reason, StringComparison.Ordinal);

        for (var i = 0; i < 20; i++)
        {
            latency.Record("fast-a", TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal("fast-a", Decide(planner, User(FastPrompt)).Model.Id);
    }

    [Fact]
    public void DecideHeuristic_Latency_NothingObserved_KeepsPreferenceOrder()
    {
        var decision = Decide(RoutingTestCatalog.Planner(RoutingTestCatalog.Options(RoutingStrategy.Latency)), User(FastPrompt));

        Assert.Equal(["fast-a", "fast-b", "text-only"], decision.Candidates.Take(3).Select(m => m.Id));
    }

    [Fact]
    public void DecideHeuristic_CandidatesAreCappedAndDistinct()
    {
        var decision = Decide(RoutingTestCatalog.Planner(), User(GeneralPrompt));

        Assert.InRange(decision.Candidates.Count, 2, RoutePlanner.MaxCandidates);
        Assert.Equal(decision.Candidates.Count, decision.Candidates.Distinct().Count());
        Assert.DoesNotContain(decision.Candidates, m => m.Lifecycle.Status == ModelLifecycleStatus.Retired);
    }

    [Fact]
    public void DecideHeuristic_SameOutcome_ReusesTheReasonString()
    {
        var planner = RoutingTestCatalog.Planner();

        Assert.Same(Decide(planner, User(CodePrompt)).Reason, Decide(planner, User(CodePrompt + " again")).Reason);
    }

    [Fact]
    public void PolicyFor_OrgOverrides_MergeOverTheDefaults()
    {
        var routing = RoutingTestCatalog.Options();
        routing.Orgs["acme"] = new OrgRoutingOptions
        {
            Strategy = RoutingStrategy.Cost,
            Intents = new Dictionary<string, IList<string>> { [RoutingIntents.Code] = ["reasoner"] },
            RetiredModels = RetiredModelHandling.Refuse,
        };
        var planner = RoutingTestCatalog.Planner(routing);

        var acme = planner.PolicyFor("ACME");
        var other = planner.PolicyFor("globex");

        Assert.Equal(RoutingStrategy.Cost, acme.Strategy);
        Assert.Equal(RetiredModelHandling.Refuse, acme.RetiredModels);
        Assert.Equal("reasoner", Decide(planner, User(CodePrompt), org: "acme").Model.Id);

        // Intents the org did not override keep the gateway-wide list (ranked by the org's strategy).
        Assert.Equal("text-only", Decide(planner, User(FastPrompt), org: "acme").Model.Id);
        Assert.Same(planner.PolicyFor(null), other);
        Assert.Equal("big-coder", Decide(planner, User(CodePrompt), org: "globex").Model.Id);
        Assert.Same(acme, planner.PolicyFor("acme"));
    }

    [Fact]
    public void PolicyFor_OrgAllowedModels_RestrictEveryTier()
    {
        var routing = RoutingTestCatalog.Options();
        routing.Orgs["acme"] = new OrgRoutingOptions { AllowedModels = ["cheap-coder", "fast-b"] };
        var planner = RoutingTestCatalog.Planner(routing);

        var code = Decide(planner, User(CodePrompt), org: "acme");
        var general = Decide(planner, User(GeneralPrompt), org: "acme");

        Assert.Equal("cheap-coder", code.Model.Id);
        Assert.All(code.Candidates, m => Assert.Contains(m.Id, new[] { "cheap-coder", "fast-b" }));
        Assert.Equal("fast-b", general.Model.Id);
        var error = Assert.Throws<GatewayException>(() => Decide(planner, User(SearchPrompt), org: "acme"));
        Assert.Equal(400, error.StatusCode);
    }

    [Fact]
    public void PolicyFor_UnconfiguredIntent_UsesTheBuiltInList()
    {
        var planner = RoutingTestCatalog.Planner(new RoutingOptions());

        // The built-in lists name real models that this test catalog lacks: routing falls through to the catalog.
        Assert.Empty(planner.PolicyFor(null).PreferencesFor(RequestIntent.Code));
        Assert.Equal("big-coder", Decide(planner, User(CodePrompt)).Model.Id);
    }

    [Theory]
    [InlineData("big-coder")]
    [InlineData("BIG-CODER")]
    [InlineData("coder")]
    public void DecidePinned_ResolvesIdsAndAliases_WithConstantReason(string name)
    {
        var decision = RoutingTestCatalog.Planner().DecidePinned(name);

        Assert.Equal("big-coder", decision.Model.Id);
        Assert.Equal(RouteMethod.Pinned, decision.Method);
        Assert.Equal("pinned", decision.Reason);
        Assert.Equal(RequestIntent.None, decision.Intent);
    }

    [Fact]
    public void DecidePinned_Candidates_AreTheModelThenItsConfiguredFallbacks()
    {
        var routing = RoutingTestCatalog.Options();
        routing.Fallbacks["big-coder"] = ["cheap-coder", "fast-b"];

        var decision = RoutingTestCatalog.Planner(routing).DecidePinned("big-coder");

        Assert.Equal(["big-coder", "cheap-coder", "fast-b"], decision.Candidates.Select(m => m.Id));
    }

    [Fact]
    public void DecidePinned_UnknownModel_Is404ModelNotFound()
    {
        var error = Assert.Throws<GatewayException>(() => RoutingTestCatalog.Planner().DecidePinned("no-such-model"));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal(GatewayErrorCodes.ModelNotFound, error.Code);
    }

    [Fact]
    public void DecidePinned_ProviderNotConfigured_Is400()
    {
        var availability = new TestAvailability();
        availability.Providers[GatewayProvider.Anthropic] = ModelAvailability.ProviderNotConfigured;

        var error = Assert.Throws<GatewayException>(() => RoutingTestCatalog.Planner(availability: availability).DecidePinned("big-coder"));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal(GatewayErrorCodes.ProviderNotConfigured, error.Code);
    }

    [Fact]
    public void DecidePinned_TemporarilyUnavailable_TakesTheFirstAvailableFallback()
    {
        var routing = RoutingTestCatalog.Options();
        routing.Fallbacks["big-coder"] = ["fast-a", "cheap-coder", "fast-b"];
        var availability = new TestAvailability();
        availability.Providers[GatewayProvider.Anthropic] = ModelAvailability.TemporarilyUnavailable;

        var decision = RoutingTestCatalog.Planner(routing, availability).DecidePinned("big-coder");

        Assert.Equal("cheap-coder", decision.Model.Id);
        Assert.Equal(RouteMethod.Fallback, decision.Method);
        Assert.Equal("unavailable=big-coder; fallback=cheap-coder", decision.Reason);
        Assert.Equal(["cheap-coder", "fast-b"], decision.Candidates.Select(m => m.Id));
    }

    [Fact]
    public void DecidePinned_TemporarilyUnavailableWithoutFallback_Is503()
    {
        var availability = new TestAvailability();
        availability.Models["big-coder"] = ModelAvailability.TemporarilyUnavailable;

        var error = Assert.Throws<GatewayException>(() => RoutingTestCatalog.Planner(availability: availability).DecidePinned("big-coder"));

        Assert.Equal(503, error.StatusCode);
        Assert.Equal(GatewayErrorCodes.UpstreamUnavailable, error.Code);
    }

    [Fact]
    public void DecidePinned_DoesNotAllocate()
    {
        var planner = RoutingTestCatalog.Planner();
        planner.DecidePinned("Coder");

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            planner.DecidePinned("Coder");
            planner.DecidePinned("fast-b");
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void DecideDefault_UsesTheConfiguredDefault_OrAsksForAModel()
    {
        var decision = RoutingTestCatalog.Planner(defaultModel: "fast-b").DecideDefault();

        Assert.Equal("fast-b", decision.Model.Id);
        Assert.Equal(RouteMethod.Pinned, decision.Method);
        Assert.Equal("default_model", decision.Reason);
        var error = Assert.Throws<GatewayException>(() => RoutingTestCatalog.Planner().DecideDefault());
        Assert.Equal(GatewayErrorCodes.MissingParameter, error.Code);
    }

    [Fact]
    public void DefaultIntentModels_AreActiveModelsOfTheEmbeddedCatalog()
    {
        var catalog = ModelCatalog.LoadEmbedded();
        foreach (var intent in RequestIntents.All)
        {
            var ids = DefaultIntentModels.For(intent);
            Assert.NotEmpty(ids);
            foreach (var id in ids)
            {
                Assert.True(catalog.TryResolve(id, out var model), $"{intent.ToName()}: {id} is not in the catalog");
                Assert.Equal(ModelLifecycleStatus.Active, model.Lifecycle.Status);
            }
        }

        Assert.All(DefaultIntentModels.For(RequestIntent.Search), id => Assert.True(catalog.TryResolve(id, out var m) && m.Has(ModelCapabilities.Search), id));
        Assert.All(DefaultIntentModels.For(RequestIntent.LongContext), id => Assert.True(catalog.TryResolve(id, out var m) && m.ContextWindow >= 1_000_000, id));
    }
}
