using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway.Tests.Routing;

/// <summary>A hand-written <see cref="IChatClient"/> whose response comes from a callback; it records what it was sent.</summary>
internal sealed class TestChatClient : IChatClient
{
    public Func<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>> GetResponseAsyncCallback { get; set; } =
        static (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, string.Empty)));

    public List<ChatMessage> LastMessages { get; private set; } = [];

    public ChatOptions? LastOptions { get; private set; }

    public int Calls { get; private set; }

    public static TestChatClient Answering(string text, UsageDetails? usage = null) => new()
    {
        GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)) { Usage = usage }),
    };

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        LastMessages = [.. messages];
        LastOptions = options;
        return GetResponseAsyncCallback(LastMessages, options, cancellationToken);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
