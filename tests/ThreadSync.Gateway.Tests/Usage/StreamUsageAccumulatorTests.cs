using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Usage;

namespace ThreadSync.Gateway.Tests.Usage;

public sealed class StreamUsageAccumulatorTests
{
    // 2 messages * 4 framing tokens + ceil((14 + 30) chars / 4) = 8 + 11.
    private const long EstimatedInput = 19;

    private static readonly List<ChatMessage> Messages =
    [
        new(ChatRole.System, "You are terse."),
        new(ChatRole.User, "What is the capital of France?"),
    ];

    [Fact]
    public void GetUsage_ProviderReportedUsage_IsUsedAsIs_NotEstimated()
    {
        var accumulator = new StreamUsageAccumulator(Messages, null);
        accumulator.Observe(Text("Paris is"));
        accumulator.Observe(Text(" the capital."));
        accumulator.Observe(Usage(new UsageDetails
        {
            InputTokenCount = 25,
            OutputTokenCount = 40,
            CachedInputTokenCount = 5,
            ReasoningTokenCount = 30,
            AdditionalCounts = new() { [UsageKeys.ProviderCostNanoUsd] = 1_234 },
        }));

        var usage = accumulator.GetUsage();

        Assert.False(usage.IsEstimated);
        Assert.True(accumulator.HasReportedUsage);
        Assert.Equal((25L, 40L, 5L, 30L, 65L), (usage.Details.InputTokenCount, usage.Details.OutputTokenCount, usage.Details.CachedInputTokenCount, usage.Details.ReasoningTokenCount, usage.Details.TotalTokenCount));
        Assert.Equal(1_234, usage.Details.AdditionalCounts![UsageKeys.ProviderCostNanoUsd]);
    }

    [Fact]
    public void GetUsage_SeveralUsageReports_KeepTheLastValueOfEachCount()
    {
        var accumulator = new StreamUsageAccumulator(Messages, null);
        accumulator.Observe(Usage(new UsageDetails { InputTokenCount = 25, CachedInputTokenCount = 5, AdditionalCounts = new() { [UsageKeys.CacheWriteInputTokens] = 7 } }));
        accumulator.Observe(Usage(new UsageDetails { OutputTokenCount = 3 }));
        accumulator.Observe(Usage(new UsageDetails { OutputTokenCount = 12, AdditionalCounts = new() { [UsageKeys.ProviderCostNanoUsd] = 99 } }));

        var usage = accumulator.GetUsage();

        Assert.False(usage.IsEstimated);
        Assert.Equal((25L, 12L, 5L), (usage.Details.InputTokenCount, usage.Details.OutputTokenCount, usage.Details.CachedInputTokenCount));
        Assert.Equal(7, usage.Details.AdditionalCounts![UsageKeys.CacheWriteInputTokens]);
        Assert.Equal(99, usage.Details.AdditionalCounts[UsageKeys.ProviderCostNanoUsd]);
    }

    [Fact]
    public void GetUsage_CutShortWithoutUsage_EstimatesInputFromTheRequestAndOutputFromWhatWasProduced()
    {
        var accumulator = new StreamUsageAccumulator(Messages, null);
        accumulator.Observe(new ChatResponseUpdate(ChatRole.Assistant, [new TextReasoningContent("Think")]));
        accumulator.Observe(Text("Paris is"));
        accumulator.Observe(Text(" the capital."));

        var usage = accumulator.GetUsage();

        Assert.True(usage.IsEstimated);
        Assert.False(accumulator.HasReportedUsage);
        Assert.Equal(26, accumulator.OutputCharacters);

        // Output: ceil(26 / 4) = 7, of which reasoning ceil(5 / 4) = 2.
        Assert.Equal((EstimatedInput, 7L, 2L, EstimatedInput + 7), (usage.Details.InputTokenCount, usage.Details.OutputTokenCount, usage.Details.ReasoningTokenCount, usage.Details.TotalTokenCount));
        Assert.Null(usage.Details.CachedInputTokenCount);
    }

    [Fact]
    public void GetUsage_InputReportedEarly_KeepsTheRealInput_AndEstimatesOnlyTheOutput()
    {
        var accumulator = new StreamUsageAccumulator(Messages, null);
        accumulator.Observe(Usage(new UsageDetails { InputTokenCount = 1_500, CachedInputTokenCount = 1_000 }));
        accumulator.Observe(Text("Paris is the"));

        var usage = accumulator.GetUsage();

        Assert.True(usage.IsEstimated);
        Assert.Equal((1_500L, 3L, 1_000L), (usage.Details.InputTokenCount, usage.Details.OutputTokenCount, usage.Details.CachedInputTokenCount));
    }

    [Fact]
    public void GetUsage_ToolCallArguments_CountAsOutput()
    {
        var accumulator = new StreamUsageAccumulator(Messages, null);
        var arguments = new Dictionary<string, object?> { ["city"] = JsonDocument.Parse("\"Paris\"").RootElement.Clone(), ["units"] = "metric" };
        accumulator.Observe(new ChatResponseUpdate(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", arguments)]));

        // "get_weather" 11 + braces 2 + ("city" 4 + 4 + "\"Paris\"" 7) + ("units" 5 + 4 + "metric" 6) = 43 chars -> 11 tokens.
        Assert.Equal(43, accumulator.OutputCharacters);
        Assert.Equal(11, accumulator.GetUsage().Details.OutputTokenCount);
    }

    [Fact]
    public async Task GetUsage_StreamCancelledMidway_BillsWhatWasProducedAsAnEstimate()
    {
        using var cts = new CancellationTokenSource();
        var accumulator = new StreamUsageAccumulator(Messages, null);
        StreamUsage? billed = null;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            try
            {
                await foreach (var update in Produce(cts, cts.Token))
                {
                    accumulator.Observe(update);
                }
            }
            finally
            {
                billed = accumulator.GetUsage();
            }
        });

        Assert.NotNull(billed);
        Assert.True(billed.Value.IsEstimated);
        // "Paris is " + "the capital" = 20 chars -> 5 tokens; the update after the cancellation never arrived.
        Assert.Equal((EstimatedInput, 5L), (billed.Value.Details.InputTokenCount, billed.Value.Details.OutputTokenCount));
        var cost = CostCalculator.Compute(new ModelDescriptor { Id = "m", Provider = GatewayProvider.OpenAI, Pricing = new ModelPricing { InputPerMillion = 2m, OutputPerMillion = 10m } }, billed.Value, default);
        Assert.True(cost.IsEstimated);
        Assert.Equal(0.000088m, cost.CostUsd);
    }

    [Fact]
    public void Observe_DoesNotAllocate()
    {
        var accumulator = new StreamUsageAccumulator(Messages, null);
        var updates = new[] { Text("Paris"), new ChatResponseUpdate(ChatRole.Assistant, [new TextReasoningContent("hmm")]) };
        accumulator.Observe(updates[0]);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            accumulator.Observe(updates[i % 2]);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(5 + (500 * 5) + (500 * 3), accumulator.OutputCharacters);
    }

    [Fact]
    public void CostContext_ReadsTheSearchContextSize_WithoutAllocating()
    {
        var options = new ChatOptions { AdditionalProperties = new() { ["web_search_options"] = JsonDocument.Parse("""{"search_context_size":"medium"}""").RootElement.Clone() } };
        var now = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(SearchContextSize.Medium, CostContext.Create(options, now).SearchContextSize);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var medium = 0;
        for (var i = 0; i < 1_000; i++)
        {
            medium += CostContext.Create(options, now).SearchContextSize == SearchContextSize.Medium ? 1 : 0;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1_000, medium);
    }

    [Fact]
    public void GetUsage_NoMessagesAndNothingProduced_IsZeroButEstimated()
    {
        var usage = new StreamUsageAccumulator([], null).GetUsage();

        Assert.True(usage.IsEstimated);
        Assert.Equal((0L, 0L), (usage.Details.InputTokenCount, usage.Details.OutputTokenCount));
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Produce(CancellationTokenSource cts, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return Text("Paris is ");
        await Task.Yield();
        yield return Text("the capital");
        await cts.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        yield return Text(" of France.");
    }

    private static ChatResponseUpdate Text(string text) => new(ChatRole.Assistant, text);

    private static ChatResponseUpdate Usage(UsageDetails details) => new(ChatRole.Assistant, [new UsageContent(details)]);
}
