namespace ThreadSync.Sample.Server;

/// <summary>Start-up messages of the reference server.</summary>
internal static partial class SampleServerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Providers configured: {Providers}.")]
    public static partial void ProvidersConfigured(ILogger logger, string providers);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "No provider is configured. Set e.g. ThreadSync__Providers__OpenAI__ApiKey (and optionally ...__BaseUrl) and restart.")]
    public static partial void NoProviders(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "ThreadSync gateway listening on {Urls}.")]
    public static partial void Listening(ILogger logger, string urls);
}
