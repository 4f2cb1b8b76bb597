using Microsoft.AspNetCore.Http;

namespace ThreadSync.Hosting.Endpoints;

/// <summary><c>GET /health</c>: liveness. Unauthenticated, no dependencies touched, always cheap.</summary>
internal static class HealthEndpoint
{
    public static Task HandleAsync(HttpContext http)
    {
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync("""{"status":"ok"}""", http.RequestAborted);
    }
}
