using Microsoft.Extensions.Options;

namespace ThreadSync.Gateway.Tests.TestSupport;

/// <summary>An <see cref="IOptionsMonitor{TOptions}"/> whose value a test sets, notifying listeners like a configuration reload.</summary>
internal sealed class TestOptionsMonitor<TOptions>(TOptions value) : IOptionsMonitor<TOptions>
{
    private readonly List<Action<TOptions, string?>> _listeners = [];

    public TOptions CurrentValue { get; private set; } = value;

    public TOptions Get(string? name) => CurrentValue;

    public IDisposable OnChange(Action<TOptions, string?> listener)
    {
        lock (_listeners)
        {
            _listeners.Add(listener);
        }

        return new Subscription(this, listener);
    }

    public void Set(TOptions value)
    {
        CurrentValue = value;
        Action<TOptions, string?>[] listeners;
        lock (_listeners)
        {
            listeners = [.. _listeners];
        }

        foreach (var listener in listeners)
        {
            listener(value, Options.DefaultName);
        }
    }

    private sealed class Subscription(TestOptionsMonitor<TOptions> owner, Action<TOptions, string?> listener) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._listeners)
            {
                owner._listeners.Remove(listener);
            }
        }
    }
}
