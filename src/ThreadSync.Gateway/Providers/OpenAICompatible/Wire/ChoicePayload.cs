namespace ThreadSync.Gateway.Providers.OpenAICompatible.Wire;

/// <summary>One choice of a completion or chunk.</summary>
internal sealed class ChoicePayload
{
    public int Index { get; set; }

    public MessagePayload? Message { get; set; }

    public MessagePayload? Delta { get; set; }

    public string? FinishReason { get; set; }
}
