using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using ChatFinishReason = OpenAI.Chat.ChatFinishReason;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Hosting.Tests;

/// <summary>Unchanged OpenAI SDK code and Microsoft.Extensions.AI's OpenAI client against the gateway.</summary>
[Collection(nameof(OpenAISdkTests))]
public sealed class OpenAISdkTests(ServerUnderTest server) : IClassFixture<ServerUnderTest>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ChatClient SdkClient(string model = "gpt-4o") =>
        new(model, new ApiKeyCredential(ServerUnderTest.ClientKey), new OpenAIClientOptions { Endpoint = new Uri(server.BaseUrl, "/v1") });

    [Fact]
    public async Task OpenAISdk_CompleteChat_ReturnsCompletionWithUsage()
    {
        server.Upstream.Enqueue(FakeReply.Text("Bonjour!", new FakeUsage(11, 3)));

        ChatCompletion completion = await SdkClient().CompleteChatAsync([new SystemChatMessage("Be French."), new UserChatMessage("Hello")], cancellationToken: Ct);

        Assert.Equal("Bonjour!", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(11, completion.Usage.InputTokenCount);
        Assert.Equal(3, completion.Usage.OutputTokenCount);
        Assert.Equal(14, completion.Usage.TotalTokenCount);
        Assert.StartsWith("chatcmpl-", completion.Id, StringComparison.Ordinal);
        Assert.Equal("Bearer " + ServerUnderTest.UpstreamKey, server.Upstream.LastRequest.Headers["Authorization"]);
    }

    [Fact]
    public async Task OpenAISdk_CompleteChatStreaming_StreamsTextAndUsage()
    {
        server.Upstream.Enqueue(FakeReply.Text("one two three four", new FakeUsage(5, 4)));
        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;

        await foreach (var update in SdkClient().CompleteChatStreamingAsync([new UserChatMessage("count")], cancellationToken: Ct))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.Equal("one two three four", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(5, usage.InputTokenCount);
        Assert.Equal(4, usage.OutputTokenCount);
    }

    [Fact]
    public async Task OpenAISdk_ToolCalls_RoundTrip()
    {
        server.Upstream.Enqueue(FakeReply.ToolCalls([new FakeToolCall("call_7", "get_weather", """{"city":"Oslo"}""")]));
        var tool = ChatTool.CreateFunctionTool("get_weather", "Weather by city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}"""));
        var options = new ChatCompletionOptions { Tools = { tool } };

        ChatCompletion first = await SdkClient().CompleteChatAsync([new UserChatMessage("Weather in Oslo?")], options, Ct);

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("call_7", call.Id);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("""{"city":"Oslo"}""", call.FunctionArguments.ToString());

        server.Upstream.Enqueue(FakeReply.Text("Sunny."));
        ChatCompletion second = await SdkClient().CompleteChatAsync(
            [new UserChatMessage("Weather in Oslo?"), new AssistantChatMessage(first), new ToolChatMessage("call_7", "sunny, 20C")], options, Ct);

        Assert.Equal("Sunny.", second.Content[0].Text);
        var sent = server.Upstream.LastRequest.Json.GetProperty("messages");
        Assert.Equal("call_7", sent[2].GetProperty("tool_call_id").GetString());
    }

    [Fact]
    public async Task OpenAISdk_StreamingToolCalls_ArriveWhole()
    {
        server.Upstream.Enqueue(FakeReply.ToolCalls([new FakeToolCall("call_s", "lookup", """{"q":"a b"}""")]));
        var tool = ChatTool.CreateFunctionTool("lookup", "Find", BinaryData.FromString("""{"type":"object","properties":{"q":{"type":"string"}}}"""));
        var arguments = new System.Text.StringBuilder();
        string? name = null;

        await foreach (var update in SdkClient().CompleteChatStreamingAsync([new UserChatMessage("find")], new ChatCompletionOptions { Tools = { tool } }, Ct))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                name ??= call.FunctionName;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }
        }

        Assert.Equal("lookup", name);
        Assert.Equal("""{"q":"a b"}""", arguments.ToString());
    }

    [Fact]
    public async Task OpenAISdk_GatewayError_SurfacesAsClientResultException()
    {
        var client = new ChatClient("no-such-model", new ApiKeyCredential(ServerUnderTest.ClientKey), new OpenAIClientOptions { Endpoint = new Uri(server.BaseUrl, "/v1") });

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));

        Assert.Equal(404, error.Status);
        Assert.Contains("model_not_found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MicrosoftExtensionsAI_OpenAIChatClient_GetResponseAndStream()
    {
        IChatClient chat = SdkClient().AsIChatClient();
        server.Upstream.Enqueue(FakeReply.Text("M.E.AI works.", new FakeUsage(4, 3)));

        var response = await chat.GetResponseAsync("hello", cancellationToken: Ct);

        Assert.Equal("M.E.AI works.", response.Text);
        Assert.Equal(4, response.Usage!.InputTokenCount);

        server.Upstream.Enqueue(FakeReply.Text("streamed via M.E.AI", new FakeUsage(2, 3)));
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync("hello", cancellationToken: Ct))
        {
            updates.Add(update);
        }

        var streamed = updates.ToChatResponse();
        Assert.Equal("streamed via M.E.AI", streamed.Text);
        Assert.Equal(3, streamed.Usage!.OutputTokenCount);
        Assert.Equal(Microsoft.Extensions.AI.ChatFinishReason.Stop, streamed.FinishReason);
    }

    public static TheoryData<FakeProviderKind> OtherProviders => new() { FakeProviderKind.Anthropic, FakeProviderKind.Gemini, FakeProviderKind.XAI, FakeProviderKind.Perplexity };

    public static TheoryData<FakeProviderKind> ToolProviders => new() { FakeProviderKind.Anthropic, FakeProviderKind.Gemini, FakeProviderKind.XAI };

    [Theory]
    [MemberData(nameof(OtherProviders))]
    public async Task OpenAISdk_OnAnyProvidersModel_CompletesAndStreams(FakeProviderKind kind)
    {
        var upstream = server.UpstreamFor(kind);
        var client = SdkClient(ServerUnderTest.ModelOf(kind));
        upstream.Enqueue(FakeReply.Text("Hello from upstream.", new FakeUsage(7, 4)));

        ChatCompletion completion = await client.CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Hi")], new ChatCompletionOptions { MaxOutputTokenCount = 50 }, Ct);

        Assert.Equal("Hello from upstream.", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.Equal(4, completion.Usage.OutputTokenCount);
        Assert.Equal(1, upstream.RequestCount);

        upstream.Enqueue(FakeReply.Text("one two three", new FakeUsage(3, 3)));
        var text = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("count")], new ChatCompletionOptions(), Ct))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal("one two three", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(3, usage.OutputTokenCount);
        upstream.Reset();
    }

    [Theory]
    [MemberData(nameof(ToolProviders))]
    public async Task OpenAISdk_OnAnyProvidersModel_ToolCallsRoundTripAndStreamWithDistinctIndexes(FakeProviderKind kind)
    {
        var upstream = server.UpstreamFor(kind);
        var client = SdkClient(ServerUnderTest.ModelOf(kind));
        var tool = ChatTool.CreateFunctionTool("get_weather", "Weather by city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}"""));
        var options = new ChatCompletionOptions { Tools = { tool } };
        upstream.Enqueue(FakeReply.ToolCalls([new FakeToolCall("toolu_1", "get_weather", """{"city":"Oslo"}""")]));

        ChatCompletion first = await client.CompleteChatAsync([new UserChatMessage("Weather in Oslo?")], options, Ct);

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("Oslo", System.Text.Json.JsonDocument.Parse(call.FunctionArguments).RootElement.GetProperty("city").GetString());

        upstream.Enqueue(FakeReply.Text("Snowing."));
        ChatCompletion second = await client.CompleteChatAsync(
            [new UserChatMessage("Weather in Oslo?"), new AssistantChatMessage(first), new ToolChatMessage(call.Id, "snow, -3C")], options, Ct);
        Assert.Equal("Snowing.", second.Content[0].Text);

        // Two calls streamed: every OpenAI client assembles calls by index, so the indexes must differ.
        upstream.Enqueue(FakeReply.ToolCalls([new FakeToolCall("toolu_a", "get_weather", """{"city":"Rome"}"""), new FakeToolCall("toolu_b", "get_weather", """{"city":"Lima"}""")]));
        var arguments = new SortedDictionary<int, System.Text.StringBuilder>();
        var names = new Dictionary<int, string>();
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Rome and Lima?")], options, Ct))
        {
            foreach (var fragment in update.ToolCallUpdates)
            {
                if (!arguments.TryGetValue(fragment.Index, out var buffer))
                {
                    arguments[fragment.Index] = buffer = new System.Text.StringBuilder();
                }

                buffer.Append(fragment.FunctionArgumentsUpdate?.ToString());
                if (fragment.FunctionName is { } name)
                {
                    names[fragment.Index] = name;
                }
            }
        }

        Assert.Equal([0, 1], arguments.Keys);
        Assert.Equal(["Rome", "Lima"], arguments.Values.Select(static b => System.Text.Json.JsonDocument.Parse(b.ToString()).RootElement.GetProperty("city").GetString()));
        Assert.All(names.Values, static n => Assert.Equal("get_weather", n));
        upstream.Reset();
    }
}
