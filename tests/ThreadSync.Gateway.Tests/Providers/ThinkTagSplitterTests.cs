using ThreadSync.Gateway.Providers.Internal;

namespace ThreadSync.Gateway.Tests.Providers;

public sealed class ThinkTagSplitterTests
{
    [Theory]
    [InlineData(new[] { "<think>plan</think>answer" }, "plan", "answer")]
    [InlineData(new[] { "<thi", "nk>pl", "an</thi", "nk>ans", "wer" }, "plan", "answer")]
    [InlineData(new[] { "no thinking here" }, "", "no thinking here")]
    [InlineData(new[] { "<", "b>bold</b>" }, "", "<b>bold</b>")]
    [InlineData(new[] { "<think>never closed" }, "never closed", "")]
    public void Feed_SplitsReasoningFromContent_WhereverChunksBreak(string[] chunks, string reasoning, string content)
    {
        var splitter = new ThinkTagSplitter();
        var gotReasoning = string.Empty;
        var gotContent = string.Empty;
        foreach (var chunk in chunks)
        {
            splitter.Feed(chunk);
            gotReasoning += splitter.TakeReasoning();
            gotContent += splitter.TakeContent();
        }

        splitter.Complete();
        gotReasoning += splitter.TakeReasoning();
        gotContent += splitter.TakeContent();

        Assert.Equal(reasoning, gotReasoning);
        Assert.Equal(content, gotContent);
    }
}
