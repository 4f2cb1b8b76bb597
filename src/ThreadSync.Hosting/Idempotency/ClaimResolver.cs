using Microsoft.AspNetCore.Http;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Idempotency;

/// <summary>Decides what becomes of a claimed key from how its request ended (the table in <c>docs/idempotency.md</c>).</summary>
internal static class ClaimResolver
{
    /// <summary>Decides what becomes of the key of a request that ended.</summary>
    /// <param name="response">The response as sent.</param>
    /// <param name="context">The gateway request context, once the endpoint created it (<see langword="null"/> when the request failed before, e.g. on an invalid body).</param>
    /// <param name="threw">Whether an exception escaped the pipeline (the response could not be finished).</param>
    /// <returns>The resolution.</returns>
    public static ClaimResolution Resolve(HttpResponse response, GatewayRequestContext? context, bool threw)
    {
        // The gateway knows what happened upstream: it classified the failure.
        if (context?.FailureOutcome is { } outcome)
        {
            return outcome switch
            {
                FailureOutcome.Definite => ClaimResolution.Complete,
                FailureOutcome.Transient => ClaimResolution.Release,
                _ => ClaimResolution.MarkUncertain,
            };
        }

        var status = response.StatusCode;

        // A provider answered, but the client did not get the answer (writing it failed).
        if (context?.Model is not null && (threw || status >= 400))
        {
            return ClaimResolution.MarkUncertain;
        }

        if (threw)
        {
            return response.HasStarted ? ClaimResolution.MarkUncertain : ClaimResolution.Release;
        }

        // Failures of the gateway's own before the pipeline ran: the request's fault (an invalid body) is definite.
        return status < 400 ? ClaimResolution.Complete
            : status is 402 or 403 or 408 or 409 or 429 or >= 500 ? ClaimResolution.Release
            : ClaimResolution.Complete;
    }
}
