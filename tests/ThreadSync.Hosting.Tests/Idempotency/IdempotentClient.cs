using System.Net.Http.Headers;
using System.Text;
using ThreadSync.Hosting.Tests.Governance;

namespace ThreadSync.Hosting.Tests.Idempotency;

/// <summary>Sends inference requests with an <c>Idempotency-Key</c> and reads whole replies.</summary>
public static class IdempotentClient
{
    public const string ChatCompletions = "/v1/chat/completions";
    public const string Messages = "/v1/messages";
    public const string LlmChat = "/api/v1/llm/chat";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A small request body for any of the three endpoints.</summary>
    public static string Body(string path = ChatCompletions, bool stream = false, string model = "gpt-4o", string prompt = "Say hi.") =>
        $$"""{"model": "{{model}}", "max_tokens": 20, "stream": {{(stream ? "true" : "false")}}, "messages": [{"role": "user", "content": "{{prompt}}"}]}""";

    public static HttpRequestMessage Request(Uri baseUrl, string secret, string? idempotencyKey, string body, string path = ChatCompletions)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, path)) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    public static async Task<IdempotentReply> SendAsync(GovernedServer server, string secret, string? idempotencyKey, string? body = null, string path = ChatCompletions, bool stream = false)
    {
        using var request = Request(server.BaseUrl, secret, idempotencyKey, body ?? Body(path, stream), path);
        using var response = await server.Http.SendAsync(request, Ct);
        return await ReadAsync(response);
    }

    public static async Task<IdempotentReply> ReadAsync(HttpResponseMessage response) => new(
        response.StatusCode,
        await response.Content.ReadAsByteArrayAsync(Ct),
        response.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Single() == "true",
        response.Content.Headers.ContentType?.ToString(),
        response.Headers.TryGetValues("x-threadsync-model", out var model) ? model.Single() : null,
        response.Headers.TryGetValues("x-should-retry", out var retry) ? retry.Single() : null,
        response.Headers.TryGetValues("x-request-id", out var id) ? id.Single() : null);

    /// <summary>Waits (without a deadline of its own: the test's cancellation bounds it) until <paramref name="condition"/> holds.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(10, Ct);
        }
    }
}
