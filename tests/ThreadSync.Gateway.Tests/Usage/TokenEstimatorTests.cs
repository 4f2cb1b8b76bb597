using System.Text.Json;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Usage;

namespace ThreadSync.Gateway.Tests.Usage;

public sealed class TokenEstimatorTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(4, 1)]
    [InlineData(5, 2)]
    [InlineData(400, 100)]
    public void FromChars_RoundsUpAtFourCharactersPerToken(long chars, long tokens) => Assert.Equal(tokens, TokenEstimator.FromChars(chars));

    [Fact]
    public void EstimateInput_CountsInstructionsToolsTextImagesAndToolTraffic()
    {
        var schema = JsonDocument.Parse("""{"type":"object"}""").RootElement;
        var options = new ChatOptions
        {
            Instructions = "Be brief.",
            Tools = [AIFunctionFactory.CreateDeclaration("lookup", "Find it", schema)],
        };
        List<ChatMessage> messages =
        [
            new(ChatRole.User, [new TextContent("Look at this"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")]),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "lookup", new Dictionary<string, object?> { ["q"] = "x" })]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "found")]),
        ];

        var tokens = TokenEstimator.EstimateInput(messages, options);

        // Chars: instructions 9 + tool "lookup" 6 + "Find it" 7 + schema 17 + text 12 + call ("lookup" 6 + 2 + "q" 1 + 4 + "x" 1)
        // + result ("c1" 2 + "found" 5) = 72 -> 18 tokens; plus 3 messages * 4 and one image at 1,000.
        Assert.Equal(18 + 12 + 1_000, tokens);
    }
}
