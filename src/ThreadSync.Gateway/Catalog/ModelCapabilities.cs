namespace ThreadSync.Gateway;

/// <summary>What a model can do, as recorded in the catalog.</summary>
[Flags]
public enum ModelCapabilities
{
    /// <summary>Plain text chat only.</summary>
    None = 0,

    /// <summary>Function / tool calling.</summary>
    Tools = 1,

    /// <summary>Image input.</summary>
    Vision = 2,

    /// <summary>A reasoning model (thinks before answering; restricted sampling parameters).</summary>
    Reasoning = 4,

    /// <summary>Built-in web search.</summary>
    Search = 8,

    /// <summary>Structured JSON output.</summary>
    Json = 16,
}
