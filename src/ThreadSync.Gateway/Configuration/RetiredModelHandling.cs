namespace ThreadSync.Gateway;

/// <summary>What the gateway does with a request that names a model its provider has retired.</summary>
public enum RetiredModelHandling
{
    /// <summary>Serve the request with the catalog's replacement model, and say so in the route reason.</summary>
    Remap,

    /// <summary>Refuse the request with an error naming the replacement.</summary>
    Refuse,
}
