using Microsoft.Extensions.Options;

namespace ThreadSync.Gateway.Configuration.Internal;

/// <summary>
/// Checks <see cref="GatewayOptions"/> before the gateway takes traffic. Collects every problem, each naming
/// the exact configuration key, so one failed start-up shows all there is to fix.
/// </summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>();
        foreach (var provider in Enum.GetValues<GatewayProvider>())
        {
            var settings = options.Providers.Get(provider);
            var prefix = $"{GatewayOptions.SectionName}:Providers:{provider.ToConfigName()}";
            if (settings.BaseUrl is { } baseUrl
                && (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            {
                errors.Add($"{prefix}:BaseUrl must be an absolute http:// or https:// URL.");
            }

            if (settings.ApiKey is { } key && (key.Length == 0 || key.Trim() != key || key.Any(char.IsControl)))
            {
                errors.Add($"{prefix}:ApiKey must be non-empty, without surrounding whitespace or control characters.");
            }

            if (settings.Timeout <= TimeSpan.Zero || settings.Timeout > TimeSpan.FromHours(1))
            {
                errors.Add($"{prefix}:Timeout must be between 00:00:00.001 and 01:00:00.");
            }
        }

        for (var i = 0; i < options.Auth.ApiKeys.Count; i++)
        {
            var key = options.Auth.ApiKeys[i];
            if (string.IsNullOrWhiteSpace(key) || key.Trim() != key || key.Any(char.IsControl))
            {
                errors.Add($"{GatewayOptions.SectionName}:Auth:ApiKeys:{i} must be non-empty, without surrounding whitespace or control characters.");
            }
        }

        if (options.Catalog.Path is { } path && string.IsNullOrWhiteSpace(path))
        {
            errors.Add($"{GatewayOptions.SectionName}:Catalog:Path must name a file when set.");
        }

        if (options.DefaultModel is { } model && string.IsNullOrWhiteSpace(model))
        {
            errors.Add($"{GatewayOptions.SectionName}:DefaultModel must name a model when set.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
