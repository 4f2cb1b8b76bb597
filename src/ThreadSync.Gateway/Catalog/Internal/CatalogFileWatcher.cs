using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;
using Microsoft.Extensions.Primitives;

namespace ThreadSync.Gateway.Catalog.Internal;

/// <summary>
/// Calls back whenever one file changes (written, replaced by a rename, deleted or re-created), through
/// <see cref="PhysicalFileProvider"/>: a file-system watcher, or polling when <c>DOTNET_USE_POLLING_FILE_WATCHER</c>
/// is set (network shares, some container mounts). Events come in bursts; the caller debounces.
/// </summary>
internal sealed class CatalogFileWatcher : IDisposable
{
    private readonly PhysicalFileProvider _provider;
    private readonly IDisposable _registration;

    public CatalogFileWatcher(string fullPath, Action onChanged)
    {
        FullPath = fullPath;
        var directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException("The path has no directory.", nameof(fullPath));
        var fileName = Path.GetFileName(fullPath);

        // ExclusionFilters.None: a catalog file may well be a dot-file or hidden.
        _provider = new PhysicalFileProvider(directory, ExclusionFilters.None);
        _registration = ChangeToken.OnChange(() => _provider.Watch(fileName), onChanged);
    }

    public string FullPath { get; }

    public void Dispose()
    {
        _registration.Dispose();
        _provider.Dispose();
    }
}
