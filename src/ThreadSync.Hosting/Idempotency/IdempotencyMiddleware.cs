using Microsoft.AspNetCore.Http;

namespace ThreadSync.Hosting.Idempotency;

/// <summary>
/// Outside the request middleware that renders errors, so it sees the final response: when the request held an
/// idempotency key, stores its response (or frees or quarantines the key) before the response completes. Requests
/// without an <c>Idempotency-Key</c> header pass straight through.
/// </summary>
internal sealed class IdempotencyMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context) =>
        context.Request.Headers.ContainsKey(IdempotencyHeaders.Key) ? RunAsync(context) : next(context);

    private async Task RunAsync(HttpContext context)
    {
        var threw = true;
        try
        {
            await next(context);
            threw = false;
        }
        finally
        {
            if (context.Features.Get<IdempotentExchange>() is { } exchange)
            {
                await exchange.FinishAsync(threw);
            }
        }
    }
}
