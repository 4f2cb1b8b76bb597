using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using ThreadSync.Gateway.Providers.Internal;

namespace ThreadSync.Gateway.Pipeline.Internal;

/// <summary>Resolves the model a request names (or the default) to a catalog entry and the client of its available provider.</summary>
internal sealed class ModelRouter
{
    private readonly IModelCatalog _catalog;
    private readonly ProviderClientRegistry _providers;
    private readonly string? _defaultModel;

    public ModelRouter(IModelCatalog catalog, ProviderClientRegistry providers, IOptions<GatewayOptions> options)
    {
        _catalog = catalog;
        _providers = providers;
        _defaultModel = options.Value.DefaultModel;
    }

    public (ModelDescriptor Model, string RouteMethod, IChatClient Client) Resolve(string? requestedModel)
    {
        string routeMethod;
        string name;
        if (!string.IsNullOrWhiteSpace(requestedModel))
        {
            name = requestedModel;
            routeMethod = RouteMethod.Pinned;
        }
        else if (!string.IsNullOrWhiteSpace(_defaultModel))
        {
            name = _defaultModel;
            routeMethod = RouteMethod.Default;
        }
        else
        {
            throw new GatewayException(400, GatewayErrorCodes.MissingParameter, "You must provide a model parameter.", param: "model");
        }

        if (!_catalog.TryResolve(name, out var model))
        {
            throw new GatewayException(404, GatewayErrorCodes.ModelNotFound, $"The model '{Truncate(name)}' does not exist in this gateway's catalog. GET /v1/models lists the models you can use.", param: "model");
        }

        if (!_providers.TryGet(model.Provider, out var client))
        {
            throw new GatewayException(
                400,
                GatewayErrorCodes.ProviderNotConfigured,
                $"The model '{model.Id}' is served by provider '{model.Provider.ToWireId()}', which is not configured on this gateway.",
                param: "model");
        }

        return (model, routeMethod, client);
    }

    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100] + "…";
}
