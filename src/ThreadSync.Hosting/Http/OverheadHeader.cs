using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Http;

/// <summary>
/// The <c>x-threadsync-overhead-ms</c> response header: the gateway's own time for the request, in milliseconds with
/// microsecond precision, from arrival until the response headers are sent, less the time spent waiting on providers
/// (see <see cref="GatewayTiming"/>). Set on every response, errors included.
/// </summary>
/// <remarks>
/// Headers go out before the body, so the figure covers what happened before them: for a buffered answer that is all of
/// the gateway's work (the audit record included); for a stream, the work until its first event, which is what the
/// gateway adds to time-to-first-token.
/// </remarks>
internal sealed class OverheadHeader
{
    /// <summary>The header's name.</summary>
    public const string HeaderName = "x-threadsync-overhead-ms";

    private static readonly Func<object, Task> WriteHeader = static state =>
    {
        var header = (OverheadHeader)state;
        var own = header._timing.OwnTime(Stopwatch.GetTimestamp());
        header._context.Response.Headers[HeaderName] = own.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture);
        return Task.CompletedTask;
    };

    private readonly HttpContext _context;
    private readonly GatewayTiming _timing;

    private OverheadHeader(HttpContext context, GatewayTiming timing)
    {
        _context = context;
        _timing = timing;
    }

    /// <summary>Starts timing the request on the current asynchronous flow and writes the header when the response starts.</summary>
    /// <param name="context">The request.</param>
    /// <param name="startTimestamp">When the request arrived.</param>
    public static void Begin(HttpContext context, long startTimestamp) =>
        context.Response.OnStarting(WriteHeader, new OverheadHeader(context, GatewayTiming.Begin(startTimestamp)));
}
