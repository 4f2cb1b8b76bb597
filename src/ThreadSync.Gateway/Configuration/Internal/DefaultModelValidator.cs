using Microsoft.Extensions.Options;

namespace ThreadSync.Gateway.Configuration.Internal;

/// <summary>Checks that <c>ThreadSync:DefaultModel</c>, when set, names a model in the catalog.</summary>
internal sealed class DefaultModelValidator : IValidateOptions<GatewayOptions>
{
    private readonly IModelCatalog _catalog;

    public DefaultModelValidator(IModelCatalog catalog) => _catalog = catalog;

    public ValidateOptionsResult Validate(string? name, GatewayOptions options) =>
        options.DefaultModel is { Length: > 0 } model && !string.IsNullOrWhiteSpace(model) && !_catalog.TryResolve(model, out _)
            ? ValidateOptionsResult.Fail($"{GatewayOptions.SectionName}:DefaultModel names '{model}', which is not in the model catalog.")
            : ValidateOptionsResult.Success;
}
