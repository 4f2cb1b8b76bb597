namespace ThreadSync.Hosting.Tests.Admin;

/// <summary>One admin server shared by a test class whose tests each use their own ids.</summary>
public sealed class AdminServerFixture : IAsyncLifetime
{
    public AdminServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await AdminServer.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
