namespace ThreadSync.Connectors;

/// <summary>The unified models business records are normalized into.</summary>
[Flags]
public enum UnifiedRecordKinds
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>A customer (person).</summary>
    Customer = 1,

    /// <summary>An account (organization).</summary>
    Account = 2,

    /// <summary>An order.</summary>
    Order = 4,

    /// <summary>A support ticket.</summary>
    Ticket = 8,

    /// <summary>A financial transaction.</summary>
    Transaction = 16,

    /// <summary>A communication (email, call, message).</summary>
    Communication = 32,
}
