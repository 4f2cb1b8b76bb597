namespace ThreadSync.Hosting.Tests.Browser;

/// <summary>One headless Chromium and one <see cref="BrowserTestSite"/>, shared by the module tests.</summary>
public sealed class BrowserSessionModuleFixture : IAsyncLifetime
{
    public HeadlessChromium Browser { get; private set; } = null!;

    public BrowserTestSite Site { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Site = await BrowserTestSite.StartAsync();
        Browser = await HeadlessChromium.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        if (Site is not null)
        {
            await Site.DisposeAsync();
        }
    }
}
