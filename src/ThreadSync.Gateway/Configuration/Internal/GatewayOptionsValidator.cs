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

        for (var i = 0; i < options.Auth.BootstrapKeys.Count; i++)
        {
            var key = options.Auth.BootstrapKeys[i];
            if (string.IsNullOrWhiteSpace(key) || key.Trim() != key || key.Any(char.IsControl) || key.Length > Governance.Internal.KeySecrets.MaxLength)
            {
                errors.Add($"{GatewayOptions.SectionName}:Auth:BootstrapKeys:{i} must be non-empty, at most {Governance.Internal.KeySecrets.MaxLength} characters, without surrounding whitespace or control characters.");
            }
        }

        if (!Governance.Internal.EntityIds.IsValid(options.Auth.BootstrapOrg))
        {
            errors.Add($"{GatewayOptions.SectionName}:Auth:BootstrapOrg must be 1-64 characters of a-z, 0-9, '-' and '_'.");
        }

        if (Governance.Internal.TierLimits.Resolve(options.Governance, options.Auth.BootstrapTier) is null)
        {
            errors.Add($"{GatewayOptions.SectionName}:Auth:BootstrapTier names no tier; tiers: {string.Join(", ", Governance.Internal.TierLimits.Names(options.Governance))}.");
        }

        if (Governance.Internal.TierLimits.Resolve(options.Governance, options.Governance.DefaultTier) is null)
        {
            errors.Add($"{GatewayOptions.SectionName}:Governance:DefaultTier names no tier; tiers: {string.Join(", ", Governance.Internal.TierLimits.Names(options.Governance))}.");
        }

        foreach (var (tierName, tier) in options.Governance.Tiers)
        {
            if (tier.RequestsPerHour is <= 0 || tier.TokensPerHour is <= 0)
            {
                errors.Add($"{GatewayOptions.SectionName}:Governance:Tiers:{tierName} limits must be positive when set.");
            }
        }

        if (options.Audit.ContentPurgeInterval <= TimeSpan.Zero)
        {
            errors.Add($"{GatewayOptions.SectionName}:Audit:ContentPurgeInterval must be a positive time span such as 01:00:00.");
        }

        if (options.Governance.RotationGracePeriod < TimeSpan.Zero)
        {
            errors.Add($"{GatewayOptions.SectionName}:Governance:RotationGracePeriod must not be negative.");
        }

        if (options.Governance.DefaultMaxOutputTokens <= 0)
        {
            errors.Add($"{GatewayOptions.SectionName}:Governance:DefaultMaxOutputTokens must be positive.");
        }

        if (options.Governance.ReservationHold < TimeSpan.FromMinutes(1))
        {
            errors.Add($"{GatewayOptions.SectionName}:Governance:ReservationHold must be at least 00:01:00.");
        }

        if (options.Storage.Provider == StorageProvider.Postgres && string.IsNullOrWhiteSpace(options.Storage.ConnectionString))
        {
            errors.Add($"{GatewayOptions.SectionName}:Storage:ConnectionString is required when {GatewayOptions.SectionName}:Storage:Provider is Postgres.");
        }

        if (options.Catalog.Path is { } path && string.IsNullOrWhiteSpace(path))
        {
            errors.Add($"{GatewayOptions.SectionName}:Catalog:Path must name a file when set.");
        }

        if (options.DefaultModel is { } model && string.IsNullOrWhiteSpace(model))
        {
            errors.Add($"{GatewayOptions.SectionName}:DefaultModel must name a model when set.");
        }

        ValidateResilience(options.Resilience, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateResilience(ResilienceOptions resilience, List<string> errors)
    {
        const string Prefix = GatewayOptions.SectionName + ":Resilience";
        if (resilience.MaxAttempts is < 1 or > 10)
        {
            errors.Add($"{Prefix}:MaxAttempts must be between 1 and 10.");
        }

        if (resilience.MaxRetriesPerModel is < 0 or > 5)
        {
            errors.Add($"{Prefix}:MaxRetriesPerModel must be between 0 and 5.");
        }

        if (resilience.RequestTimeout <= TimeSpan.Zero || resilience.RequestTimeout > TimeSpan.FromHours(1))
        {
            errors.Add($"{Prefix}:RequestTimeout must be between 00:00:00.001 and 01:00:00.");
        }

        if (resilience.RetryBaseDelay < TimeSpan.Zero || resilience.RetryBaseDelay > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{Prefix}:RetryBaseDelay must be between 00:00:00 and 00:01:00.");
        }

        if (resilience.MaxRetryDelay < TimeSpan.Zero || resilience.MaxRetryDelay > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{Prefix}:MaxRetryDelay must be between 00:00:00 and 00:01:00.");
        }

        if (resilience.FirstTokenTimeout != Timeout.InfiniteTimeSpan && resilience.FirstTokenTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{Prefix}:FirstTokenTimeout must be positive, or -00:00:00.001 (infinite) to disable it.");
        }

        var breaker = resilience.CircuitBreaker;
        if (breaker.FailureRatio is <= 0 or > 1)
        {
            errors.Add($"{Prefix}:CircuitBreaker:FailureRatio must be greater than 0 and at most 1.");
        }

        if (breaker.MinimumThroughput < 2)
        {
            errors.Add($"{Prefix}:CircuitBreaker:MinimumThroughput must be at least 2.");
        }

        if (breaker.SamplingDuration < TimeSpan.FromMilliseconds(500) || breaker.SamplingDuration > TimeSpan.FromDays(1))
        {
            errors.Add($"{Prefix}:CircuitBreaker:SamplingDuration must be between 00:00:00.5 and 1.00:00:00.");
        }

        if (breaker.BreakDuration < TimeSpan.FromMilliseconds(500) || breaker.BreakDuration > TimeSpan.FromDays(1))
        {
            errors.Add($"{Prefix}:CircuitBreaker:BreakDuration must be between 00:00:00.5 and 1.00:00:00.");
        }
    }
}
