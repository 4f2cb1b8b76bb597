using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ThreadSync.Sample.Server;

/// <summary>
/// The browser session demo (<c>wwwroot/session-demo.html</c>): when <c>ThreadSync:Sample:SessionDemo:AppClientId</c>
/// and <c>ThreadSync:Sample:SessionDemo:ApiKey</c> are configured, the reference server serves its <c>wwwroot</c>
/// folder and plays the part of an application's backend at <c>POST /sample/share-code</c>: it takes the page's PKCE
/// challenge, asks the gateway for a share code with the configured API key (which never reaches the browser), and
/// returns the share code. Off unless configured.
/// </summary>
internal static class SessionDemo
{
    /// <summary>The configuration section of the demo.</summary>
    public const string SectionName = "ThreadSync:Sample:SessionDemo";

    /// <summary>The sample backend's share code endpoint.</summary>
    public const string ShareCodePath = "/sample/share-code";

    private const string HttpClientName = "ThreadSync.Sample.SessionDemo";
    private const string ShareCodesPath = "/v1/sessions/share-codes";

    /// <summary>Registers what the demo needs, when it is configured.</summary>
    /// <param name="builder">The application builder.</param>
    public static void AddSessionDemo(WebApplicationBuilder builder)
    {
        if (Settings.From(builder.Configuration) is not null)
        {
            builder.Services.AddHttpClient(HttpClientName);
        }
    }

    /// <summary>Serves <c>wwwroot</c> and maps <see cref="ShareCodePath"/>, when the demo is configured.</summary>
    /// <param name="app">The built application, before the ThreadSync middleware.</param>
    public static void UseSessionDemo(WebApplication app)
    {
        var settings = Settings.From(app.Configuration);
        if (settings is null)
        {
            return;
        }

        app.UseStaticFiles();
        app.MapPost(ShareCodePath, http => CreateShareCodeAsync(http, settings));
    }

    private static async Task CreateShareCodeAsync(HttpContext http, Settings settings)
    {
        string? challenge = null;
        try
        {
            using var request = await JsonDocument.ParseAsync(http.Request.Body, default, http.RequestAborted);
            if (request.RootElement.ValueKind == JsonValueKind.Object
                && request.RootElement.TryGetProperty("code_challenge", out var value)
                && value.ValueKind == JsonValueKind.String)
            {
                challenge = value.GetString();
            }
        }
        catch (JsonException)
        {
            challenge = null;
        }

        if (challenge is null || !IsChallenge(challenge))
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, "code_challenge must be 43 base64url characters (S256).");
            return;
        }

        using var body = new MemoryStream();
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("app_client_id", settings.AppClientId);
            writer.WriteString("code_challenge", challenge);
            writer.WriteString("code_challenge_method", "S256");
            if (!string.IsNullOrEmpty(settings.SubjectId))
            {
                writer.WriteString("subject_id", settings.SubjectId);
            }

            writer.WriteEndObject();
        }

        var gateway = settings.GatewayUrl ?? OwnAddress(http);
        if (gateway is null)
        {
            await WriteErrorAsync(http, StatusCodes.Status500InternalServerError, "The server's own address is unknown; set " + SectionName + ":GatewayUrl.");
            return;
        }

        using var shareCode = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, ShareCodesPath))
        {
            Content = new ByteArrayContent(body.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        shareCode.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
        var client = http.RequestServices.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
        using var answer = await client.SendAsync(shareCode, http.RequestAborted);

        // The gateway's answer (the share code, or an OpenAI-shaped error) goes back as is; it holds no API key.
        http.Response.StatusCode = (int)answer.StatusCode;
        http.Response.ContentType = "application/json";
        http.Response.Headers.CacheControl = "no-store";
        await answer.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
    }

    /// <summary>A PKCE S256 challenge: BASE64URL(SHA-256), 43 characters, no padding.</summary>
    private static bool IsChallenge(string value) =>
        value.Length == 43 && value.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>
    /// The address this server listens on, never the request's Host header (a caller could point that anywhere, and
    /// the API key would follow it). Wildcard hosts mean loopback.
    /// </summary>
    private static Uri? OwnAddress(HttpContext http)
    {
        var addresses = http.RequestServices.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var address = addresses?.FirstOrDefault(static a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? addresses?.FirstOrDefault();
        if (address is null)
        {
            return null;
        }

        var builder = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (builder.Host is "0.0.0.0" or "[::]" or "::")
        {
            builder.Host = "127.0.0.1";
        }

        return builder.Uri;
    }

    private static async Task WriteErrorAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(http.Response.Body);
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", message);
        writer.WriteString("type", "invalid_request_error");
        writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(http.RequestAborted);
    }

    /// <summary>The demo's settings; <see langword="null"/> when the demo is off.</summary>
    private sealed record Settings(string AppClientId, string ApiKey, string? SubjectId, Uri? GatewayUrl)
    {
        public static Settings? From(IConfiguration configuration)
        {
            var section = configuration.GetSection(SectionName);
            var appClientId = section["AppClientId"];
            var apiKey = section["ApiKey"];
            if (string.IsNullOrWhiteSpace(appClientId) || string.IsNullOrWhiteSpace(apiKey))
            {
                return null;
            }

            var gatewayUrl = section["GatewayUrl"];
            return new Settings(
                appClientId,
                apiKey,
                section["SubjectId"],
                string.IsNullOrWhiteSpace(gatewayUrl) ? null : new Uri(gatewayUrl, UriKind.Absolute));
        }
    }
}
