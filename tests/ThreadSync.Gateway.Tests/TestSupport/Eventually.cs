namespace ThreadSync.Gateway.Tests.TestSupport;

/// <summary>Bounded polling for effects that happen on another thread (file watchers, timers): never a fixed sleep as an assertion.</summary>
internal static class Eventually
{
    public static async Task<bool> TrueAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        return true;
    }
}
