using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ThreadSync.Gateway.Catalog.Internal;

/// <summary>
/// The gateway's <see cref="IModelCatalog"/>: an immutable <see cref="ModelCatalog"/> snapshot behind a volatile
/// reference, rebuilt and swapped atomically when the user catalog file or <c>ThreadSync:Catalog</c> changes.
/// Readers never lock; reloads are serialized.
/// </summary>
/// <remarks>
/// A catalog that fails to load in the constructor (start-up) throws <see cref="InvalidDataException"/> naming the
/// source and every problem; one that fails on reload keeps the previous snapshot and logs a warning.
/// </remarks>
internal sealed partial class ReloadingModelCatalog : IModelCatalog, IDisposable
{
    /// <summary>How long the file must stay quiet before it is read: editors and copies write in several steps.</summary>
    internal static readonly TimeSpan FileDebounce = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private readonly IOptionsMonitor<GatewayOptions> _options;
    private readonly IDisposable? _ownedOptions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _debounce;
    private readonly IDisposable? _optionsSubscription;
    private volatile ModelCatalog _current;
    private CatalogFileWatcher? _watcher;
    private string _appliedSettings;
    private bool _disposed;

    /// <summary>Loads the catalog and starts watching its sources.</summary>
    /// <param name="options">The gateway options; <see cref="GatewayOptions.Catalog"/> is read now and on every change.</param>
    /// <param name="timeProvider">The clock (load time, debounce timer).</param>
    /// <param name="logger">The logger.</param>
    /// <param name="ownedOptions">Disposed with the catalog (the private options monitor built by <see cref="Create"/>).</param>
    /// <exception cref="InvalidDataException">The catalog cannot be loaded.</exception>
    public ReloadingModelCatalog(IOptionsMonitor<GatewayOptions> options, TimeProvider timeProvider, ILogger logger, IDisposable? ownedOptions = null)
    {
        _options = options;
        _ownedOptions = ownedOptions;
        _time = timeProvider;
        _logger = logger;

        var settings = options.CurrentValue.Catalog;
        _current = CatalogLoader.Load(settings, version: 1, _time.GetUtcNow());
        _appliedSettings = CatalogLoader.Fingerprint(settings);
        _debounce = _time.CreateTimer(static state => ((ReloadingModelCatalog)state!).OnFileQuiet(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Watch(settings.Path);
        _optionsSubscription = options.OnChange(OnOptionsChanged);
        Log.Loaded(_logger, LogLevel.Debug, _current.Version, _current.Models.Count, "start-up");
    }

    public IReadOnlyList<ModelDescriptor> Models => _current.Models;

    public long Version => _current.Version;

    public DateTimeOffset LoadedAt => _current.LoadedAt;

    /// <summary>Gets the current snapshot, for a consistent view across several reads.</summary>
    internal ModelCatalog Current => _current;

    /// <summary>
    /// Creates the catalog from DI. It reads <see cref="GatewayOptions"/> through a private monitor built from the same
    /// configuration but <b>without</b> the options validators: one of them (the default model must be in the catalog)
    /// depends on this catalog, and validating through the shared monitor here would be a cycle.
    /// </summary>
    public static ReloadingModelCatalog Create(IServiceProvider services)
    {
        var factory = new OptionsFactory<GatewayOptions>(
            services.GetServices<IConfigureOptions<GatewayOptions>>(),
            services.GetServices<IPostConfigureOptions<GatewayOptions>>());
        var monitor = new OptionsMonitor<GatewayOptions>(factory, services.GetServices<IOptionsChangeTokenSource<GatewayOptions>>(), new OptionsCache<GatewayOptions>());
        try
        {
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger<ReloadingModelCatalog>() ?? NullLogger<ReloadingModelCatalog>.Instance;
            return new ReloadingModelCatalog(monitor, services.GetRequiredService<TimeProvider>(), logger, monitor);
        }
        catch
        {
            monitor.Dispose();
            throw;
        }
    }

    public bool TryResolve(string idOrAlias, [NotNullWhen(true)] out ModelDescriptor? model) => _current.TryResolve(idOrAlias, out model);

    /// <summary>Rebuilds the catalog from its sources now.</summary>
    /// <returns><see langword="true"/> when a new snapshot was swapped in; <see langword="false"/> when loading failed (logged) and the previous one stays.</returns>
    internal bool Reload() => ReloadFrom(_options.CurrentValue.Catalog, "reload requested");

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _optionsSubscription?.Dispose();
            _watcher?.Dispose();
            _watcher = null;
            _debounce.Dispose();
            _ownedOptions?.Dispose();
        }
    }

    private void OnOptionsChanged(GatewayOptions options, string? name)
    {
        if (name is not null && name != Options.DefaultName)
        {
            return;
        }

        // Any change under ThreadSync lands here (a rotated API key, say); only a changed catalog section rebuilds.
        var fingerprint = CatalogLoader.Fingerprint(options.Catalog);
        lock (_gate)
        {
            if (fingerprint == _appliedSettings)
            {
                return;
            }

            _appliedSettings = fingerprint;
        }

        ReloadFrom(options.Catalog, "configuration changed");
    }

    private void OnFileChanged()
    {
        try
        {
            _debounce.Change(FileDebounce, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // A last event racing with disposal: nothing left to reload.
        }
    }

    private void OnFileQuiet()
    {
        try
        {
            ReloadFrom(_options.CurrentValue.Catalog, "catalog file changed");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A timer callback must not throw: it would take the process down.
            Log.ReloadFailed(_logger, "catalog file changed", _current.Version, ex.Message);
        }
    }

    private bool ReloadFrom(CatalogOptions settings, string reason)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            // Follow a changed path even when the new file is bad, so fixing it is picked up.
            Watch(settings.Path);
            try
            {
                _current = CatalogLoader.Load(settings, _current.Version + 1, _time.GetUtcNow());
            }
            catch (InvalidDataException ex)
            {
                Log.ReloadFailed(_logger, reason, _current.Version, ex.Message);
                return false;
            }

            Log.Loaded(_logger, LogLevel.Information, _current.Version, _current.Models.Count, reason);
            return true;
        }
    }

    private void Watch(string? path)
    {
        var fullPath = string.IsNullOrWhiteSpace(path) ? null : Path.GetFullPath(path);
        if (string.Equals(_watcher?.FullPath, fullPath, StringComparison.Ordinal))
        {
            return;
        }

        _watcher?.Dispose();
        _watcher = null;
        if (fullPath is null)
        {
            return;
        }

        try
        {
            _watcher = new CatalogFileWatcher(fullPath, OnFileChanged);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            Log.WatchFailed(_logger, fullPath, ex.Message);
        }
    }
}
