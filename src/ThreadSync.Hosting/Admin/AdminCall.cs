using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ThreadSync.Hosting.Serialization;

namespace ThreadSync.Hosting.Admin;

/// <summary>One authenticated admin request: who, what, on which target, and the details its audit entry records.</summary>
internal sealed class AdminCall(HttpContext http, string actor, string action, string correlationId)
{
    /// <summary>The target of actions on a collection (list, create before the id is known, usage queries).</summary>
    public const string CollectionTarget = "*";

    public HttpContext Http { get; } = http;

    public string Actor { get; } = actor;

    public string Action { get; } = action;

    public string CorrelationId { get; } = correlationId;

    /// <summary>Gets or sets the id the action applies to.</summary>
    public string TargetId { get; set; } = CollectionTarget;

    /// <summary>Gets the audit details as compact JSON (never a secret), or <see langword="null"/>.</summary>
    public string? Details { get; private set; }

    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>Gets the <c>{id}</c> route value (the target), which the caller checks.</summary>
    public string RouteId => Http.Request.RouteValues["id"] as string ?? string.Empty;

    /// <summary>Records the action's details: the fields it set or changed, written as one JSON object.</summary>
    public void SetDetails<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, HostingJson.WriterOptions))
        {
            writer.WriteStartObject();
            write(writer, state);
            writer.WriteEndObject();
        }

        Details = Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
