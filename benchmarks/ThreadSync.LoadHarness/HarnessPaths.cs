namespace ThreadSync.LoadHarness;

/// <summary>Where things are: the repository, the reference server's Release build, the harness's own binary.</summary>
internal static class HarnessPaths
{
    /// <summary>Gets the repository root: the first directory upwards from the harness binary holding <c>ThreadSync.sln</c>.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Gets the reference server's binary, built with the harness (a project reference that is not referenced).</summary>
    public static string SampleServerDll => Path.Combine(RepositoryRoot, "artifacts", "bin", "ThreadSync.Sample.Server", "release", "ThreadSync.Sample.Server.dll");

    /// <summary>Gets the harness's own binary, started again as the fake upstream.</summary>
    public static string HarnessDll => typeof(HarnessPaths).Assembly.Location;

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ThreadSync.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The harness must run from the repository (no ThreadSync.sln above its binary).");
    }
}
