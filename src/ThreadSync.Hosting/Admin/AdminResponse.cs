using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ThreadSync.Hosting.Admin;

/// <summary>What an admin handler answers, written only after the action is recorded in the audit trail.</summary>
internal sealed class AdminResponse
{
    private AdminResponse(int statusCode, Action<Utf8JsonWriter>? json, Func<HttpContext, Task>? body)
    {
        StatusCode = statusCode;
        Json = json;
        Body = body;
    }

    public int StatusCode { get; }

    /// <summary>Gets the writer of a JSON body, if the response is one.</summary>
    public Action<Utf8JsonWriter>? Json { get; }

    /// <summary>Gets the writer of any other body (CSV, JSON Lines), which sets its own content type.</summary>
    public Func<HttpContext, Task>? Body { get; }

    public static AdminResponse Ok(Action<Utf8JsonWriter> json) => new(StatusCodes.Status200OK, json, null);

    public static AdminResponse Created(Action<Utf8JsonWriter> json) => new(StatusCodes.Status201Created, json, null);

    public static AdminResponse Stream(Func<HttpContext, Task> body) => new(StatusCodes.Status200OK, null, body);
}
