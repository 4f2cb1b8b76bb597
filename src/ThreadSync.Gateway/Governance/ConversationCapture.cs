namespace ThreadSync.Gateway.Governance;

/// <summary>
/// What the gateway keeps of an org's conversations (<see cref="OrgPolicy.ConversationCapture"/>). Only conversations a
/// client opens by naming one are kept, each private to its owner unless shared; conversations may hold personal or
/// confidential text, so an org can keep only their metadata, or nothing.
/// </summary>
public enum ConversationCapture
{
    /// <summary>Nothing is kept: no conversations, no server-side memory.</summary>
    Off = 0,

    /// <summary>Conversations and their turns are kept without their text: roles, models, token counts and times.</summary>
    Metadata = 1,

    /// <summary>Conversations are kept with the text of every turn, which server-side memory needs (the default).</summary>
    Full = 2,
}
