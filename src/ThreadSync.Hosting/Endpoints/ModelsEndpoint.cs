using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ThreadSync.Hosting.Serialization;
using ThreadSync.Gateway;
using ThreadSync.Hosting.Http;

namespace ThreadSync.Hosting.Endpoints;

/// <summary><c>GET /v1/models</c>: the models the calling key may use, in OpenAI's list shape with ThreadSync details.</summary>
internal sealed class ModelsEndpoint(IGatewayAuthenticator authenticator, IGatewayModelDirectory directory)
{
    // Catalog models have no creation date; a fixed epoch keeps the OpenAI shape (an integer) stable.
    private const long CatalogCreated = 1_700_000_000;

    public async Task HandleAsync(HttpContext http)
    {
        var caller = await RequestGuards.AuthenticateAsync(http.Request, authenticator);
        var models = directory.GetAvailableModels(caller);
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
            writer.WriteString("lifecycle", model.Lifecycle.Status.ToString().ToLowerInvariant());
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(http.RequestAborted);
    }
}
