namespace ThreadSync.Gateway;

/// <summary>Service keys under which the gateway registers keyed services.</summary>
public static class ThreadSyncGatewayServiceKeys
{
    /// <summary>
    /// The key of the governed <c>IChatClient</c>. The gateway also registers it as the default
    /// <c>IChatClient</c> unless the application registered its own.
    /// </summary>
    public const string ChatClient = "ThreadSync.Gateway";
}
