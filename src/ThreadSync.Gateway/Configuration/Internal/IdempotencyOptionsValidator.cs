using Microsoft.Extensions.Options;

namespace ThreadSync.Gateway.Configuration.Internal;

/// <summary>Checks <c>ThreadSync:Idempotency</c>, naming each setting out of range.</summary>
internal sealed class IdempotencyOptionsValidator : IValidateOptions<GatewayOptions>
{
    private const string Prefix = GatewayOptions.SectionName + ":Idempotency:";

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var settings = options.Idempotency;
        var errors = new List<string>();
        Check(errors, "Retention", settings.Retention, TimeSpan.FromMinutes(1), TimeSpan.FromDays(3650), "00:01:00", "3650.00:00:00");
        Check(errors, "WaitTimeout", settings.WaitTimeout, TimeSpan.Zero, TimeSpan.FromDays(1), "00:00:00", "1.00:00:00");
        Check(errors, "Lease", settings.Lease, TimeSpan.FromSeconds(3), TimeSpan.FromHours(1), "00:00:03", "01:00:00");
        Check(errors, "PollInterval", settings.PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(10), "00:00:00.010", "00:00:10");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(List<string> errors, string setting, TimeSpan value, TimeSpan min, TimeSpan max, string minText, string maxText)
    {
        if (value < min || value > max)
        {
            errors.Add($"{Prefix}{setting} must be between {minText} and {maxText}.");
        }
    }
}
