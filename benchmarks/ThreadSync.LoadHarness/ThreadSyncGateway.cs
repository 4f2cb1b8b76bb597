using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ThreadSync.LoadHarness;

/// <summary>
/// Starts the reference server (Release, Production environment, its own defaults otherwise) in front of the fake
/// upstream, with full governance: a managed key in an org and team, each with request and token rate limits and
/// daily and monthly budgets (so every request reserves and settles against all three), an org policy allowing only
/// OpenAI, the usage ledger and the audit chain.
/// </summary>
internal static class ThreadSyncGateway
{
    /// <summary>
    /// Starts one instance per port on SQLite in <paramref name="dataDirectory"/>, or on PostgreSQL when
    /// <paramref name="postgres"/> is set, and provisions the key. Audit records are acknowledged after their fsync (the
    /// default) unless <paramref name="auditAtCommit"/> (<c>ThreadSync:Audit:Durability = Committed</c>).
    /// </summary>
    public static async Task<Target> StartAsync(string name, int instances, Uri upstream, string? postgres, bool auditAtCommit, string dataDirectory, string logDirectory, HttpClient http)
    {
        var adminKey = "tsg-admin-load-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var processes = new List<ChildProcess>();
        var endpoints = new List<Uri>();
        for (var i = 0; i < instances; i++)
        {
            var port = ChildProcess.FreePort();
            var environment = new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["ThreadSync__Providers__OpenAI__ApiKey"] = "sk-load-upstream-key",
                ["ThreadSync__Providers__OpenAI__BaseUrl"] = upstream.ToString(),
                ["ThreadSync__Admin__ApiKey"] = adminKey,
                ["ThreadSync__Storage__DataDirectory"] = dataDirectory,
            };
            if (auditAtCommit)
            {
                environment["ThreadSync__Audit__Durability"] = "Committed";
            }

            if (postgres is not null)
            {
                environment["ThreadSync__Storage__Provider"] = "Postgres";
                environment["ThreadSync__Storage__ConnectionString"] = postgres;
            }

            var process = ChildProcess.Start($"{name}-{i + 1}", "dotnet", [HarnessPaths.SampleServerDll, "--urls", $"http://127.0.0.1:{port}"], environment, logDirectory, dataDirectory);
            processes.Add(process);
            var baseUrl = new Uri($"http://127.0.0.1:{port}/");
            endpoints.Add(new Uri(baseUrl, "v1/chat/completions"));

            // One at a time: the first migrates the store, the others find it ready.
            await process.WaitUntilReadyAsync(http, new Uri(baseUrl, "health"), TimeSpan.FromSeconds(60));
        }

        var key = await ProvisionAsync(http, new Uri(endpoints[0], "/"), adminKey);
        return new Target(name, endpoints, [new("Authorization", "Bearer " + key)], processes);
    }

    private static async Task<string> ProvisionAsync(HttpClient http, Uri baseUrl, string adminKey)
    {
        // Limits far above what the run sends, so nothing is refused, but every one is checked and counted.
        const string Limits = """{"requests_per_hour":100000000,"tokens_per_hour":100000000000,"daily_usd":1000000,"monthly_usd":10000000,"daily_tokens":100000000000,"monthly_tokens":1000000000000}""";
        await AdminAsync(http, baseUrl, adminKey, HttpMethod.Post, "admin/v1/orgs", $$"""{"id":"load","name":"Load harness","limits":{{Limits}}}""");
        await AdminAsync(http, baseUrl, adminKey, HttpMethod.Put, "admin/v1/orgs/load/policy", """{"access":{"allowed_providers":["openai"],"allowed_models":["gpt-5*"]}}""");
        await AdminAsync(http, baseUrl, adminKey, HttpMethod.Post, "admin/v1/teams", $$"""{"id":"bench","org_id":"load","name":"Bench","limits":{{Limits}}}""");
        var key = await AdminAsync(http, baseUrl, adminKey, HttpMethod.Post, "admin/v1/keys", $$"""{"org_id":"load","team_id":"bench","environment":"load","name":"load harness","tier":"standard","limits":{{Limits}}}""");
        return key["secret"]!.GetValue<string>();
    }

    private static async Task<JsonNode> AdminAsync(HttpClient http, Uri baseUrl, string adminKey, HttpMethod method, string path, string body)
    {
        using var request = new HttpRequestMessage(method, new Uri(baseUrl, path)) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", adminKey);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Admin {method} /{path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text) ?? throw new JsonException("Empty admin response.");
    }
}
