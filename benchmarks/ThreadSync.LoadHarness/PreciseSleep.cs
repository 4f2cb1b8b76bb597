using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ThreadSync.LoadHarness;

/// <summary>
/// Sleeps of tens of microseconds for the request scheduler. Linux rounds a thread's sleeps up by its timer slack
/// (50 µs by default) and .NET's <see cref="Thread.Sleep(int)"/> by a millisecond; an open-loop schedule at thousands
/// of requests per second needs better, without spinning a core the gateway needs.
/// </summary>
internal static partial class PreciseSleep
{
    private const int SetTimerSlack = 29; // PR_SET_TIMERSLACK

    /// <summary>Asks Linux for 1 µs timer slack on the calling thread; elsewhere does nothing.</summary>
    public static void UseFineTimerSlack()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = Prctl(SetTimerSlack, 1_000, 0, 0, 0);
        }
    }

    /// <summary>Sleeps about <paramref name="ticks"/> <see cref="Stopwatch"/> ticks.</summary>
    public static void Sleep(long ticks)
    {
        var microseconds = ticks * 1_000_000 / Stopwatch.Frequency;
        if (microseconds <= 0)
        {
            return;
        }

        if (OperatingSystem.IsLinux())
        {
            _ = USleep((uint)Math.Min(microseconds, 1_000_000));
        }
        else
        {
            Thread.Sleep(TimeSpan.FromTicks(microseconds * 10));
        }
    }

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", EntryPoint = "usleep")]
    private static partial int USleep(uint microseconds);
}
