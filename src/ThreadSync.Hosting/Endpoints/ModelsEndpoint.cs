using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ThreadSync.Hosting.Serialization;
using ThreadSync.Gateway;
using ThreadSync.Hosting.Http;

namespace ThreadSync.Hosting.Endpoints;

/// <summary><c>GET /v1/models</c>: the models the calling key may use, in OpenAI's list shape with ThreadSync details.</summary>
internal sealed class ModelsEndpoint(IGatewayAuthenticator authenticator, IGatewayModelDirectory directory, TimeProvider timeProvider)
{
    private static readonly (ModelCapabilities Flag, string Name)[] CapabilityNames =
    [
        (ModelCapabilities.Tools, "tools"),
        (ModelCapabilities.Vision, "vision"),
        (ModelCapabilities.Reasoning, "reasoning"),
        (ModelCapabilities.Search, "search"),
        (ModelCapabilities.Json, "json"),
    ];

    // Catalog models have no creation date; a fixed epoch keeps the OpenAI shape (an integer) stable.
    private const long CatalogCreated = 1_700_000_000;

    public async Task HandleAsync(HttpContext http)
    {
        var caller = await RequestGuards.AuthenticateBodilessAsync(http.Request, authenticator);
        var models = directory.GetAvailableModels(caller);
        var today = DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);
        http.Response.ContentType = "application/json";
        using var writer = new Utf8JsonWriter(http.Response.BodyWriter, HostingJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("object", "list");
        writer.WritePropertyName("data");
        writer.WriteStartArray();
        foreach (var model in models)
        {
            writer.WriteStartObject();
            writer.WriteString("id", model.Id);
            writer.WriteString("object", "model");
            writer.WriteNumber("created", CatalogCreated);
            writer.WriteString("owned_by", model.Provider.ToWireId());
            writer.WriteString("provider", model.Provider.ToWireId());
            writer.WritePropertyName("aliases");
            writer.WriteStartArray();
            foreach (var alias in model.Aliases)
            {
                writer.WriteStringValue(alias);
            }

            writer.WriteEndArray();
            writer.WriteNumber("context_window", model.ContextWindow);
            writer.WriteNumber("max_output_tokens", model.MaxOutputTokens);
            writer.WritePropertyName("capabilities");
            writer.WriteStartArray();
            foreach (var (flag, name) in CapabilityNames)
            {
                if (model.Has(flag))
                {
                    writer.WriteStringValue(name);
                }
            }

            writer.WriteEndArray();
            var pricing = model.Pricing.On(today);
            writer.WritePropertyName("pricing");
            writer.WriteStartObject();
            writer.WriteNumber("input_per_million", pricing.InputPerMillion);
            writer.WriteNumber("output_per_million", pricing.OutputPerMillion);
            WriteOptional(writer, "cache_read_per_million", pricing.CacheReadPerMillion);
            WriteOptional(writer, "cache_write_per_million", pricing.CacheWritePerMillion);
            writer.WriteNumber("per_request", pricing.PerRequest);
            writer.WriteEndObject();
            var lifecycle = model.Lifecycle;
            writer.WriteString("lifecycle", lifecycle.StatusOn(today).ToString().ToLowerInvariant());
            if (lifecycle.RetiresOn is { } retiresOn)
            {
                writer.WriteString("retires_on", retiresOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            }

            if (lifecycle.Replacement is { } replacement)
            {
                writer.WriteString("replacement", replacement);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(http.RequestAborted);
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, decimal? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }
}
