using Microsoft.AspNetCore.Http;
using ThreadSync.Hosting.Endpoints.Anthropic;
using ThreadSync.Hosting.Endpoints.Llm;
using ThreadSync.Hosting.Endpoints.OpenAI;

namespace ThreadSync.Hosting.Sessions;

/// <summary>
/// CORS for browser sessions, and only for origins some app client registered: the exchange, the inference endpoints,
/// <c>GET /v1/models</c>, the conversations under <c>/v1/conversations</c> and ending a session answer preflights and expose their headers to those origins. No cookies
/// are involved (no <c>Access-Control-Allow-Credentials</c>). Any other origin gets no CORS headers, so the browser
/// keeps the response from the page; the endpoints refuse such requests on their own too.
/// </summary>
internal sealed class SessionCorsMiddleware(RequestDelegate next, AppClientOrigins origins)
{
    private const string AllowedHeaders =
        "content-type, idempotency-key, x-threadsync-session, x-threadsync-timestamp, x-threadsync-nonce, x-threadsync-signature, x-threadsync-conversation-id";

    private const string ExposedHeaders =
        "x-request-id, retry-after, idempotent-replayed, x-threadsync-overhead-ms, x-threadsync-route-method, x-threadsync-route-reason, x-threadsync-model, "
        + "x-threadsync-provider, x-threadsync-attempts, x-threadsync-conversation-id, x-threadsync-conversation-memory, x-ratelimit-limit-requests, "
        + "x-ratelimit-remaining-requests, x-ratelimit-reset-requests, x-ratelimit-limit-tokens, x-ratelimit-remaining-tokens, x-ratelimit-reset-tokens";

    public Task InvokeAsync(HttpContext context)
    {
        // Requests without an Origin (servers, SDKs: the hot path) pass straight through, without a state machine.
        var request = context.Request;
        var sent = request.Headers.Origin.ToString();
        return sent.Length == 0 || !Applies(request.Path) ? next(context) : InvokeCorsAsync(context, sent);
    }

    private async Task InvokeCorsAsync(HttpContext context, string sent)
    {
        var request = context.Request;

        var preflight = HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method");
        var origin = OriginNames.Normalize(sent);
        var allowed = origin is not null && await origins.IsRegisteredAsync(origin, context.RequestAborted);
        var response = context.Response;
        response.Headers.Vary = "Origin";
        if (allowed)
        {
            response.Headers.AccessControlAllowOrigin = sent;
        }

        if (preflight)
        {
            if (allowed)
            {
                response.Headers.AccessControlAllowMethods = "GET, POST, DELETE";
                response.Headers.AccessControlAllowHeaders = AllowedHeaders;
                response.Headers.AccessControlMaxAge = "600";
            }

            response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        if (allowed)
        {
            // Set again as the response starts: error responses rebuild their headers.
            response.OnStarting(static state =>
            {
                var (response, sent) = ((HttpResponse, string))state;
                response.Headers.AccessControlAllowOrigin = sent;
                response.Headers.AccessControlExposeHeaders = ExposedHeaders;
                response.Headers.Vary = "Origin";
                return Task.CompletedTask;
            }, (response, sent));
        }

        await next(context);
    }

    private static bool Applies(PathString path) =>
        path.Equals(ChatCompletionsEndpoint.Path, StringComparison.OrdinalIgnoreCase)
        || path.Equals(MessagesEndpoint.Path, StringComparison.OrdinalIgnoreCase)
        || path.Equals(LlmChatEndpoint.Path, StringComparison.OrdinalIgnoreCase)
        || path.Equals("/v1/models", StringComparison.OrdinalIgnoreCase)
        || path.Equals(SessionsEndpoint.ExchangePath, StringComparison.OrdinalIgnoreCase)
        || path.Equals(SessionsEndpoint.CurrentPath, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(Endpoints.Conversations.ConversationsEndpoint.Path, StringComparison.OrdinalIgnoreCase);
}
