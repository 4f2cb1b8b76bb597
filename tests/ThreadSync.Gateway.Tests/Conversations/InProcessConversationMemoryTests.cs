using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Storage;
using ThreadSync.Gateway.Tests.TestSupport;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.Conversations;

/// <summary>
/// Microsoft.Extensions.AI's own conversation contract through the in-process client: <see cref="ChatOptions.ConversationId"/>
/// names the conversation, <see cref="ChatResponse.ConversationId"/> says the gateway keeps it, so the caller sends only
/// the new messages.
/// </summary>
public sealed class InProcessConversationMemoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConversationId_KeepsTheHistory_ForBufferedAndStreamedCalls()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI);
        var id = "inproc-" + Guid.NewGuid().ToString("N");

        gateway.Upstream.Enqueue(FakeReply.Text("Hello Grace."));
        var first = await gateway.Chat.GetResponseAsync([new(ChatRole.User, "I am Grace.")], new ChatOptions { ModelId = "gpt-4o", ConversationId = id }, Ct);
        Assert.Equal(id, first.ConversationId);

        gateway.Upstream.Enqueue(FakeReply.Text("You are Grace."));
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in gateway.Chat.GetStreamingResponseAsync([new(ChatRole.User, "Who am I?")], new ChatOptions { ModelId = "gpt-4o", ConversationId = id }, Ct))
        {
            updates.Add(update);
        }

        Assert.All(updates, u => Assert.Equal(id, u.ConversationId));
        Assert.Equal(
            ["user:I am Grace.", "assistant:Hello Grace.", "user:Who am I?"],
            gateway.Upstream.LastRequest.Json.GetProperty("messages").EnumerateArray().Select(m => $"{m.GetProperty("role").GetString()}:{m.GetProperty("content").GetString()}"));

        // The provider never sees a conversation id of its own: the gateway sends the history instead.
        Assert.False(gateway.Upstream.LastRequest.Json.TryGetProperty("conversation", out _));
        var turns = await gateway.Stores.Conversations.ListTurnsAsync(id, 0, Ct);
        Assert.Equal(["I am Grace.", "Hello Grace.", "Who am I?", "You are Grace."], turns.Select(t => t.Content));
    }

    [Fact]
    public async Task WithoutAConversationId_NothingIsKept()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI);
        var id = "inproc-" + Guid.NewGuid().ToString("N");
        await gateway.Chat.GetResponseAsync([new(ChatRole.User, "Remember me")], new ChatOptions { ModelId = "gpt-4o", ConversationId = id }, Ct);

        var response = await gateway.Chat.GetResponseAsync([new(ChatRole.User, "Forget me")], new ChatOptions { ModelId = "gpt-4o" }, Ct);

        Assert.Null(response.ConversationId);
        var all = await gateway.Stores.Conversations.ListAsync(new ConversationQuery { OrgId = "caller:in-process" }, Ct);
        Assert.Equal((id, 2L), Assert.Single(all) is var only ? (only.Id, only.TurnCount) : default);
        Assert.Equal(["user:Forget me"], gateway.Upstream.LastRequest.Json.GetProperty("messages").EnumerateArray().Select(m => $"{m.GetProperty("role").GetString()}:{m.GetProperty("content").GetString()}"));
    }
}
