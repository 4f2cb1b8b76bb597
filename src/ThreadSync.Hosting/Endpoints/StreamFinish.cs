using Microsoft.Extensions.AI;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Endpoints;

/// <summary>
/// What a stream writer learns from the updates for its closing events: the model the provider reported, the
/// normalized finish reason, the provider's own reason and the matched stop sequence. Last value wins.
/// </summary>
internal sealed class StreamFinish(GatewayRequestContext context)
{
    public string? Model { get; private set; } = context.Model?.Id;

    public ChatFinishReason? Reason { get; private set; }

    public string? RawReason { get; private set; }

    public string? StopSequence { get; private set; }

    public void Observe(ChatResponseUpdate update)
    {
        if (update.ModelId is { Length: > 0 } model)
        {
            Model = model;
        }

        RawReason = FinishDetails.RawReason(update.AdditionalProperties) ?? RawReason;
        StopSequence = FinishDetails.StopSequence(update.AdditionalProperties) ?? StopSequence;
        Reason = update.FinishReason ?? Reason;
    }
}
