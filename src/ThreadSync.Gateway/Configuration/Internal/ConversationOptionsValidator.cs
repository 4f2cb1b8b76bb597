using Microsoft.Extensions.Options;

namespace ThreadSync.Gateway.Configuration.Internal;

/// <summary>Checks <c>ThreadSync:Conversations</c>, naming each setting out of range.</summary>
internal sealed class ConversationOptionsValidator : IValidateOptions<GatewayOptions>
{
    private const string Prefix = GatewayOptions.SectionName + ":Conversations:";

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var settings = options.Conversations;
        var errors = new List<string>();
        Check(errors, "MaxHistoryTokens", settings.MaxHistoryTokens, 256, 2_000_000);
        Check(errors, "KeepRecentTurns", settings.KeepRecentTurns, 0, 100);
        Check(errors, "SummaryMaxTokens", settings.SummaryMaxTokens, 64, 16_384);
        if (settings.PurgeInterval < TimeSpan.FromMinutes(1) || settings.PurgeInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"{Prefix}PurgeInterval must be between 00:01:00 and 1.00:00:00.");
        }

        if (settings.SummaryModel is { Length: 0 } || (settings.SummaryModel is { } model && string.IsNullOrWhiteSpace(model)))
        {
            errors.Add($"{Prefix}SummaryModel must name a model, or be left out.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(List<string> errors, string setting, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{Prefix}{setting} must be between {min} and {max}.");
        }
    }
}
