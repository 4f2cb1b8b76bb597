namespace ThreadSync.Gateway.Pipeline.Internal;

/// <summary>What a failed attempt means for the rest of the request.</summary>
internal enum FailureDisposition
{
    /// <summary>The same model may succeed if asked again (providers.md §0): retry it, budget permitting, else move on.</summary>
    Retry,

    /// <summary>This model cannot serve the request (retired upstream, unreadable answer): try the next model.</summary>
    NextModel,

    /// <summary>The provider's account cannot serve anything (quota exhausted, credentials rejected): skip all its models.</summary>
    NextProvider,

    /// <summary>The request itself is at fault (bad parameter, too long, unsupported): no other model will do better.</summary>
    FailRequest,
}
