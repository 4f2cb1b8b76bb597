using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ThreadSync.Gateway;

// The gateway in-process: no server, the governed pipeline as a Microsoft.Extensions.AI IChatClient.
// Provider keys come from configuration, e.g. ThreadSync__Providers__OpenAI__ApiKey=sk-... in the environment.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddThreadSyncGateway(builder.Configuration.GetSection(GatewayOptions.SectionName));

using var host = builder.Build();
await host.StartAsync(); // validates the gateway's options: a bad setting fails here, naming the key

var chat = host.Services.GetRequiredService<IChatClient>();
var model = builder.Configuration["model"] ?? "gpt-5.4-mini";
var prompt = string.Join(' ', args.Where(static a => !a.StartsWith("--", StringComparison.Ordinal))) is { Length: > 0 } text
    ? text
    : "Say hello in five words.";

try
{
    Console.WriteLine($"> {prompt}");
    await foreach (var update in chat.GetStreamingResponseAsync(prompt, new ChatOptions { ModelId = model }))
    {
        Console.Write(update.Text);
        if (update.GetGatewayContext() is { Usage: { } usage } context)
        {
            Console.WriteLine();
            Console.WriteLine($"[{context.Provider?.ToWireId()} {context.Model?.Id}: {usage.InputTokens} in, {usage.OutputTokens} out, ${usage.CostUsd:0.######}]");
        }
    }

    Console.WriteLine();
}
catch (GatewayException ex)
{
    Console.Error.WriteLine($"Gateway error {ex.StatusCode} {ex.Code}: {ex.Message}");
    Environment.ExitCode = 1;
}

await host.StopAsync();
