namespace ThreadSync.Gateway.Governance;

/// <summary>
/// What the gateway keeps of an org's conversations (<see cref="OrgPolicy.ConversationCapture"/>). Nothing is kept unless
/// the org opts in: conversations may hold personal or confidential text, so keeping them is the org's decision.
/// </summary>
public enum ConversationCapture
{
    /// <summary>Nothing is kept: no conversations, no server-side memory (the default).</summary>
    Off = 0,

    /// <summary>Conversations and their turns are kept without their text: roles, models, token counts and times.</summary>
    Metadata = 1,

    /// <summary>Conversations are kept with the text of every turn, which server-side memory needs.</summary>
    Full = 2,
}
