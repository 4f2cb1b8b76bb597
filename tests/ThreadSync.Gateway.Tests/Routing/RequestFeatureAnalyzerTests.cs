using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Routing.Internal;

namespace ThreadSync.Gateway.Tests.Routing;

public sealed class RequestFeatureAnalyzerTests
{
    private const int Year = 2026;

    private static RequestFeatures Analyze(string user, ChatOptions? options = null, string? system = null)
    {
        List<ChatMessage> messages = system is null ? [] : [new(ChatRole.System, system)];
        messages.Add(new ChatMessage(ChatRole.User, user));
        return RequestFeatureAnalyzer.Analyze(messages, options, Year);
    }

    [Theory]
    [InlineData("Why does this throw a NullReferenceException when the list is empty?")]
    [InlineData("```python\nprint(sum(range(10)))\n```\nwhat does it print?")]
    [InlineData("Write a regex that matches e-mail addresses.")]
    [InlineData("How do I compile this with gcc and link libm?")]
    [InlineData("Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\nKeyError: 'id'")]
    [InlineData("Write a SQL query that joins orders and customers.")]
    [InlineData("My javascript function returns undefined, help me debug it")]
    [InlineData("Is C# or Rust better for this?")]
    public void Analyze_CodePrompt_FlagsCode(string prompt)
    {
        var features = Analyze(prompt);
        Assert.True(features.Has(RequestSignals.Code), prompt);
        Assert.True(features.CodeScore > 0);
    }

    [Theory]
    [InlineData("Write a short poem about autumn leaves.")]
    [InlineData("What is a good recipe for pancakes?")]
    [InlineData("Summarize the plot of Hamlet.")]
    [InlineData("The encoder decoded nothing; the functionality was fine.")]
    public void Analyze_ProsePrompt_DoesNotFlagCode(string prompt) =>
        Assert.False(Analyze(prompt).Has(RequestSignals.Code), prompt);

    [Theory]
    [InlineData("What's the latest news on the election?")]
    [InlineData("What is the current price of bitcoin?")]
    [InlineData("Who won the game yesterday?")]
    [InlineData("Search the web for reviews of the new phone.")]
    [InlineData("What happened in 2026 so far?")]
    [InlineData("Any trends from 2025 I should know?")]
    public void Analyze_RecencyPrompt_FlagsSearch(string prompt) =>
        Assert.True(Analyze(prompt).Has(RequestSignals.Search), prompt);

    [Theory]
    [InlineData("Explain how photosynthesis works.")]
    [InlineData("Tell me about the Roman empire.")]
    [InlineData("What happened in 1998 and in 2019?")]
    [InlineData("Call 555-20261 for the newsletter sign-up.")]
    public void Analyze_TimelessPrompt_DoesNotFlagSearch(string prompt) =>
        Assert.False(Analyze(prompt).Has(RequestSignals.Search), prompt);

    [Theory]
    [InlineData("Prove that the square root of 2 is irrational.")]
    [InlineData("Explain step by step how to balance this equation.")]
    [InlineData("Analyze deeply the trade-offs of microservices.")]
    [InlineData("Think carefully: which of these options is optimal?")]
    public void Analyze_ReasoningPrompt_FlagsReasoning(string prompt) =>
        Assert.True(Analyze(prompt).Has(RequestSignals.Reasoning), prompt);

    [Theory]
    [InlineData("Please improve this paragraph about my holiday.")]
    [InlineData("Reproved and approved: what is the difference?")]
    [InlineData("Write a limerick about a cat.")]
    public void Analyze_PlainPrompt_DoesNotFlagReasoning(string prompt) =>
        Assert.False(Analyze(prompt).Has(RequestSignals.Reasoning), prompt);

    [Theory]
    [InlineData("Quick question: what's the capital of France?")]
    [InlineData("Classify the sentiment of this review: great product!")]
    [InlineData("tl;dr this article please")]
    [InlineData("Answer in one word: is water wet?")]
    [InlineData("TLDR?")]
    public void Analyze_CheapPrompt_FlagsFast(string prompt) =>
        Assert.True(Analyze(prompt).Has(RequestSignals.Fast), prompt);

    [Theory]
    [InlineData("Implement quicksort in C.")]
    [InlineData("Describe the history of the printing press in detail.")]
    public void Analyze_OtherPrompt_DoesNotFlagFast(string prompt) =>
        Assert.False(Analyze(prompt).Has(RequestSignals.Fast), prompt);

    [Fact]
    public void Analyze_ScansTheLastUserMessage_NotEarlierTurns()
    {
        List<ChatMessage> messages =
        [
            new(ChatRole.User, "Write a SQL query for the report."),
            new(ChatRole.Assistant, "SELECT * FROM orders;"),
            new(ChatRole.User, "Thanks! Now write a haiku about it."),
        ];

        var features = RequestFeatureAnalyzer.Analyze(messages, null, Year);

        Assert.False(features.Has(RequestSignals.Code));
    }

    [Fact]
    public void Analyze_SystemPrompt_GivesCodeAndJsonHints_ButNotOtherCategories()
    {
        var features = Analyze("Hello there", system: "You are a coding assistant. Always answer in JSON. Give the latest news.");

        Assert.True(features.Has(RequestSignals.Code));
        Assert.True(features.Has(RequestSignals.Json));
        Assert.False(features.Has(RequestSignals.Search));
        Assert.False(features.Has(RequestSignals.JsonResponseFormat));
    }

    [Fact]
    public void Analyze_RequestShape_FlagsImagesToolsJsonFormatAndOutputLimit()
    {
        var message = new ChatMessage(ChatRole.User, [new TextContent("What is in this picture?"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")]);
        var options = new ChatOptions
        {
            Tools = [AIFunctionFactory.Create(() => 42, "answer")],
            ResponseFormat = ChatResponseFormat.Json,
            MaxOutputTokens = 512,
        };

        var features = RequestFeatureAnalyzer.Analyze([message], options, Year);

        Assert.True(features.Has(RequestSignals.Images | RequestSignals.Tools | RequestSignals.Json | RequestSignals.JsonResponseFormat));
        Assert.Equal(1, features.ImageCount);
        Assert.Equal(512, features.RequestedOutputTokens);
    }

    [Fact]
    public void Analyze_ImageByUri_AndInEarlierTurn_CountsAsImage()
    {
        List<ChatMessage> messages =
        [
            new(ChatRole.User, [new UriContent(new Uri("https://example.org/cat.jpg"), "image/jpeg")]),
            new(ChatRole.Assistant, "A cat."),
            new(ChatRole.User, "And its color?"),
        ];

        Assert.True(RequestFeatureAnalyzer.Analyze(messages, null, Year).Has(RequestSignals.Images));
    }

    [Fact]
    public void Analyze_PlainRequest_HasNoShapeSignals()
    {
        var features = Analyze("Hello");
        Assert.False(features.Has(RequestSignals.Images));
        Assert.False(features.Has(RequestSignals.Tools));
        Assert.False(features.Has(RequestSignals.Json));
        Assert.Equal(0, features.RequestedOutputTokens);
    }

    [Fact]
    public void Analyze_EstimatesTokensAsCharactersOverFour_OverAllMessages()
    {
        List<ChatMessage> messages =
        [
            new(ChatRole.System, new string('a', 400)),
            new(ChatRole.User, new string('b', 2_000)),
            new(ChatRole.Assistant, new string('c', 1_600)),
        ];

        Assert.Equal(1_000, RequestFeatureAnalyzer.Analyze(messages, null, Year).EstimatedInputTokens);
    }

    [Fact]
    public void Analyze_AboveThreshold_FlagsLongContext_BelowDoesNot()
    {
        var big = Analyze(new string('x', 400_004));
        var small = RequestFeatureAnalyzer.Analyze([new ChatMessage(ChatRole.User, new string('x', 399_996))], null, Year);

        Assert.True(big.Has(RequestSignals.LongContext));
        Assert.Equal(100_001, big.EstimatedInputTokens);
        Assert.False(small.Has(RequestSignals.LongContext));
    }

    [Fact]
    public void Analyze_LongMessage_ScansHeadAndTailWindows()
    {
        var filler = new string('x', 50_000);
        var features = Analyze("Prove this. " + filler + " step " + filler + " in one word?");

        Assert.True(features.Has(RequestSignals.Reasoning));
        Assert.True(features.Has(RequestSignals.Fast));
    }

    [Fact]
    public void Analyze_DoesNotAllocate_ForAMessageList()
    {
        List<ChatMessage> messages = [new(ChatRole.System, "You are terse."), new(ChatRole.User, "```js\nconsole.log(1)\n``` why does this print the latest value? " + new string('z', 2_000))];
        var options = new ChatOptions { MaxOutputTokens = 100 };
        RequestFeatureAnalyzer.Analyze(messages, options, Year);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            RequestFeatureAnalyzer.Analyze(messages, options, Year);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
