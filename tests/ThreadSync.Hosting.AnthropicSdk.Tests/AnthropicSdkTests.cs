using System.Text.Json;
using Anthropic;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using Microsoft.Extensions.AI;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests;

/// <summary>
/// Unchanged code of the official Anthropic .NET SDK against the gateway's <c>/v1/messages</c>, with each provider
/// behind it (the upstream is the theory parameter).
/// </summary>
[Collection(nameof(AnthropicSdkTests))]
public sealed class AnthropicSdkTests(ServerUnderTest server) : IClassFixture<ServerUnderTest>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<FakeProviderKind> AllProviders => new(Enum.GetValues<FakeProviderKind>());

    public static TheoryData<FakeProviderKind> ToolProviders => new(Enum.GetValues<FakeProviderKind>().Where(k => k != FakeProviderKind.Perplexity));

    private static Tool WeatherTool => new()
    {
        Name = "get_weather",
        Description = "Weather by city",
        InputSchema = new InputSchema
        {
            Properties = new Dictionary<string, JsonElement> { ["city"] = JsonDocument.Parse("""{"type":"string"}""").RootElement },
            Required = ["city"],
        },
    };

    private AnthropicClient Client(string? key = ServerUnderTest.ClientKey) => new()
    {
        ApiKey = key,
        BaseUrl = server.BaseUrl.ToString().TrimEnd('/'),
        MaxRetries = 0,
    };

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task AnthropicSdk_CreateMessage_ReturnsTextStopReasonAndUsage(FakeProviderKind kind)
    {
        server.UpstreamFor(kind).Enqueue(FakeReply.Text("Bonjour!"));

        var message = await Client().Messages.Create(
            new MessageCreateParams
            {
                Model = ServerUnderTest.ModelOf(kind),
                MaxTokens = 256,
                System = "Be French.",
                Messages = [new UserMessageParam("Hello")],
            },
            Ct);

        Assert.StartsWith("msg_", message.ID, StringComparison.Ordinal);
        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal("Bonjour!", text.Text);
        Assert.Equal(StopReason.EndTurn, message.StopReason!.Value());
        Assert.True(message.Usage.InputTokens + (message.Usage.CacheReadInputTokens ?? 0) > 0);
        Assert.True(message.Usage.OutputTokens > 0);
    }

    [Theory]
    [MemberData(nameof(AllProviders))]
    public async Task AnthropicSdk_CreateStreaming_AggregatesToTheWholeMessage(FakeProviderKind kind)
    {
        server.UpstreamFor(kind).Enqueue(FakeReply.Text("one two three four", new FakeUsage(5, 4)));
        var deltas = new List<string>();

        var aggregator = new Anthropic.Helpers.MessageContentAggregator();
        await foreach (var streamEvent in Client().Messages.CreateStreaming(
            new MessageCreateParams
            {
                Model = ServerUnderTest.ModelOf(kind),
                MaxTokens = 256,
                Messages = [new UserMessageParam("count")],
            },
            Ct).CollectAsync(aggregator))
        {
            if (streamEvent.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var text))
            {
                deltas.Add(text.Text);
            }
        }

        var message = aggregator.Message();
        Assert.Equal("one two three four", string.Concat(deltas));
        Assert.True(message.Content[0].TryPickText(out var whole));
        Assert.Equal("one two three four", whole.Text);
        Assert.Equal(StopReason.EndTurn, message.StopReason!.Value());
        Assert.Equal(4, message.Usage.OutputTokens);
    }

    [Theory]
    [MemberData(nameof(ToolProviders))]
    public async Task AnthropicSdk_ToolUse_RoundTrip(FakeProviderKind kind)
    {
        var upstream = server.UpstreamFor(kind);
        upstream.Enqueue(FakeReply.ToolCalls([new FakeToolCall("call_7", "get_weather", """{"city":"Oslo"}""")]));
        var model = ServerUnderTest.ModelOf(kind);
        MessageParam question = new UserMessageParam("Weather in Oslo?");

        var first = await Client().Messages.Create(
            new MessageCreateParams { Model = model, MaxTokens = 256, Tools = [WeatherTool], Messages = [question] },
            Ct);

        Assert.Equal(StopReason.ToolUse, first.StopReason!.Value());
        var toolUse = first.Content.Select(c => c.TryPickToolUse(out var t) ? t : null).Single(t => t is not null)!;
        Assert.Equal("get_weather", toolUse.Name);
        Assert.Equal("Oslo", toolUse.Input["city"].GetString());

        upstream.Enqueue(FakeReply.Text("Sunny in Oslo."));
        var second = await Client().Messages.Create(
            new MessageCreateParams
            {
                Model = model,
                MaxTokens = 256,
                Tools = [WeatherTool],
                Messages =
                [
                    question,
                    new AssistantMessageParam(new List<ContentBlockParam> { new ToolUseBlockParam { ID = toolUse.ID, Name = toolUse.Name, Input = toolUse.Input } }),
                    new UserMessageParam(new List<ContentBlockParam> { new ToolResultBlockParam(toolUse.ID) { Content = "sunny, 20C" } }),
                ],
            },
            Ct);

        Assert.True(second.Content[0].TryPickText(out var answer));
        Assert.Equal("Sunny in Oslo.", answer.Text);
        Assert.Contains("sunny, 20C", upstream.LastRequest.Body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ToolProviders))]
    public async Task AnthropicSdk_StreamingToolUse_AggregatesToAToolUseBlock(FakeProviderKind kind)
    {
        server.UpstreamFor(kind).Enqueue(FakeReply.ToolCalls([new FakeToolCall("call_s", "get_weather", """{"city":"a b"}""")], text: "Checking."));

        var message = await Client().Messages.CreateStreaming(
            new MessageCreateParams
            {
                Model = ServerUnderTest.ModelOf(kind),
                MaxTokens = 256,
                Tools = [WeatherTool],
                Messages = [new UserMessageParam("find")],
            },
            Ct).Aggregate();

        Assert.Equal(StopReason.ToolUse, message.StopReason!.Value());
        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal("Checking.", text.Text);
        Assert.True(message.Content[1].TryPickToolUse(out var toolUse));
        Assert.Equal("get_weather", toolUse.Name);
        Assert.Equal("a b", toolUse.Input["city"].GetString());
    }

    [Theory]
    [MemberData(nameof(ToolProviders))]
    public async Task MicrosoftExtensionsAI_AnthropicChatClient_ToolCallAndStream(FakeProviderKind kind)
    {
        var upstream = server.UpstreamFor(kind);
        IChatClient chat = Client().AsIChatClient(ServerUnderTest.ModelOf(kind), defaultMaxOutputTokens: 256);
        upstream.Enqueue(FakeReply.ToolCalls([new FakeToolCall("call_m", "get_weather", """{"city":"Oslo"}""")]));
        var options = new ChatOptions
        {
            Tools = [AIFunctionFactory.CreateDeclaration("get_weather", "Weather by city", JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}""").RootElement)],
        };

        var first = await chat.GetResponseAsync("Weather in Oslo?", options, Ct);

        var call = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Oslo", call.Arguments!["city"]!.ToString());
        Assert.Equal(Microsoft.Extensions.AI.ChatFinishReason.ToolCalls, first.FinishReason);

        upstream.Enqueue(FakeReply.Text("streamed via M.E.AI", new FakeUsage(2, 3)));
        List<ChatMessage> history = [new(ChatRole.User, "Weather in Oslo?"), .. first.Messages, new(ChatRole.Tool, [new FunctionResultContent(call.CallId, "sunny")])];
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync(history, options, Ct))
        {
            updates.Add(update);
        }

        var streamed = updates.ToChatResponse();
        Assert.Equal("streamed via M.E.AI", streamed.Text);
        Assert.Equal(3, streamed.Usage!.OutputTokenCount);
        Assert.Contains("sunny", upstream.LastRequest.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnthropicSdk_UnknownModel_ThrowsNotFoundWithTheGatewayCode()
    {
        var error = await Assert.ThrowsAsync<AnthropicNotFoundException>(() => Client().Messages.Create(
            new MessageCreateParams { Model = "no-such-model", MaxTokens = 10, Messages = [new UserMessageParam("hi")] },
            Ct));

        Assert.Equal(404, (int)error.StatusCode);
        Assert.Equal("model_not_found", error.ErrorCode);
        Assert.False(string.IsNullOrEmpty(error.RequestID));
    }

    [Fact]
    public async Task AnthropicSdk_WrongKey_ThrowsUnauthorized()
    {
        await Assert.ThrowsAsync<AnthropicUnauthorizedException>(() => Client("tsg-wrong").Messages.Create(
            new MessageCreateParams { Model = "gpt-4o", MaxTokens = 10, Messages = [new UserMessageParam("hi")] },
            Ct));
    }

    [Fact]
    public async Task AnthropicSdk_UpstreamRateLimit_ThrowsRateLimit()
    {
        server.Upstream.Enqueue(FakeReply.Error(429, "slow down", code: "rate_limit_exceeded", retryAfter: TimeSpan.FromSeconds(3)));

        await Assert.ThrowsAsync<AnthropicRateLimitException>(() => Client().Messages.Create(
            new MessageCreateParams { Model = "gpt-4o", MaxTokens = 10, Messages = [new UserMessageParam("hi")] },
            Ct));
    }
}
