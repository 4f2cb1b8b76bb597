namespace ThreadSync.Hosting.Admin;

/// <summary>The verdicts of admin records in the audit chain besides <c>ok</c>.</summary>
internal static class AdminVerdicts
{
    /// <summary>The action was refused (a 4xx or 5xx answer).</summary>
    public const string Refused = "refused";
}
