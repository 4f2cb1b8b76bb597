using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ThreadSync.Gateway;
using ThreadSync.Gateway.Audit;
using ThreadSync.Gateway.Storage;
using ThreadSync.Hosting.Http;

namespace ThreadSync.Hosting.Admin;

/// <summary>
/// Runs every admin request the same way: authenticate the admin key (401 before anything else, not recorded), run
/// the action, append its <c>admin</c> record to the audit chain — on success and on refusal alike — and only then
/// send the response, so a client never sees a success the audit chain lacks.
/// </summary>
internal sealed class AdminActionRunner(AdminAuthenticator authenticator, GatewayStores stores, TimeProvider timeProvider, ILogger<AdminActionRunner> logger)
{
    public async Task RunAsync(HttpContext http, string action, Func<AdminCall, ValueTask<AdminResponse>> handler)
    {
        var actor = await authenticator.AuthenticateAsync(http.Request);
        var call = new AdminCall(http, actor, action, CorrelationId.Get(http));
        AdminResponse response;
        try
        {
            response = await handler(call);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            var (status, code, param) = ex switch
            {
                GatewayException error => (error.StatusCode, error.Code, error.Param),
                BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? GatewayErrorCodes.RequestTooLarge : GatewayErrorCodes.InvalidParameter, null),
                _ => (StatusCodes.Status500InternalServerError, GatewayErrorCodes.InternalError, null),
            };
            call.SetDetails((Code: code, Param: param), static (writer, refusal) =>
            {
                writer.WriteString("error", refusal.Code);
                if (refusal.Param is not null)
                {
                    writer.WriteString("param", refusal.Param);
                }
            });
            await TryAppendRefusalAsync(call, status);
            throw;
        }

        await AppendAsync(call, response.StatusCode, CancellationToken.None);
        http.Response.StatusCode = response.StatusCode;

        // Admin answers (new secrets among them) are never cached by browsers or proxies.
        http.Response.Headers.CacheControl = "no-store";
        if (response.Json is { } json)
        {
            await JsonBody.WriteAsync(http.Response, json, static (writer, write) => write(writer), http.RequestAborted);
        }
        else if (response.Body is { } body)
        {
            await body(http);
        }
    }

    private async ValueTask AppendAsync(AdminCall call, int statusCode, CancellationToken cancellationToken)
    {
        AdminLog.AdminAction(logger, call.CorrelationId, call.Actor, call.Action, call.TargetId, statusCode);
        await stores.Audit.AppendAsync(
            new AuditRecord
            {
                At = timeProvider.GetUtcNow(),
                Kind = AuditKinds.Admin,
                CorrelationId = call.CorrelationId,
                Endpoint = call.Http.Request.Path.Value,
                Verdict = statusCode < 400 ? UsageVerdicts.Ok : AdminVerdicts.Refused,
                StatusCode = statusCode,
                Actor = call.Actor,
                Action = call.Action,
                Target = call.TargetId,
                Details = call.Details,
            },
            cancellationToken);
    }

    private async ValueTask TryAppendRefusalAsync(AdminCall call, int statusCode)
    {
        try
        {
            await AppendAsync(call, statusCode, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The refusal itself is what the client must see; the failure to record it goes to the log.
            AdminLog.AdminAuditFailed(logger, call.CorrelationId, call.Action, call.TargetId, statusCode, ex.GetType().Name);
        }
    }
}
