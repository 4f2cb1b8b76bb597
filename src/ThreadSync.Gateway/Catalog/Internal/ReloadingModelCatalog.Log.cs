using Microsoft.Extensions.Logging;

namespace ThreadSync.Gateway.Catalog.Internal;

internal sealed partial class ReloadingModelCatalog
{
    /// <summary>Catalog log messages (event ids 4100–4199). Paths and validation messages only: a catalog holds no secrets.</summary>
    private static partial class Log
    {
        [LoggerMessage(EventId = 4100, EventName = "CatalogLoaded", Message = "Model catalog version {Version} loaded with {ModelCount} models ({Reason}).")]
        public static partial void Loaded(ILogger logger, LogLevel level, long version, int modelCount, string reason);

        [LoggerMessage(EventId = 4101, EventName = "CatalogReloadFailed", Level = LogLevel.Warning, Message = "Model catalog not reloaded ({Reason}); keeping version {Version}. {Error}")]
        public static partial void ReloadFailed(ILogger logger, string reason, long version, string error);

        [LoggerMessage(EventId = 4102, EventName = "CatalogWatchFailed", Level = LogLevel.Warning, Message = "Cannot watch the model catalog file '{Path}' for changes: {Error}")]
        public static partial void WatchFailed(ILogger logger, string path, string error);
    }
}
