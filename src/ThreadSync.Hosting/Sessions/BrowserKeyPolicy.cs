using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Sessions;

/// <summary>
/// Whether an API key may be presented from a browser. A page that holds an API key leaks it to every visitor, so
/// outside the Development environment such requests (any with an <c>Origin</c> header) are refused, unless
/// <c>ThreadSync:Sessions:AllowBrowserApiKeys</c> says otherwise: browsers use subject sessions.
/// </summary>
internal sealed class BrowserKeyPolicy(IOptions<ThreadSyncSessionOptions> options, IHostEnvironment environment)
{
    private readonly bool _allowed = options.Value.AllowBrowserApiKeys ?? environment.IsDevelopment();

    /// <summary>Refuses an API key presented from a browser where that is disabled.</summary>
    /// <exception cref="GatewayException">403 <c>browser_api_key_refused</c>.</exception>
    public void Check(HttpRequest request)
    {
        if (!_allowed && request.Headers.Origin.Count > 0)
        {
            throw new GatewayException(
                403,
                GatewayErrorCodes.BrowserApiKeyRefused,
                "API keys are not accepted from browsers here. A backend mints a share code (POST /v1/sessions/share-codes) and the page exchanges it for a subject session.");
        }
    }
}
