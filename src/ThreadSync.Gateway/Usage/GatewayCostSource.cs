namespace ThreadSync.Gateway;

/// <summary>Where the billed cost of a request (<see cref="GatewayUsage.BilledCostUsd"/>) comes from.</summary>
public enum GatewayCostSource
{
    /// <summary>Computed by the gateway from the catalog's prices.</summary>
    Catalog,

    /// <summary>Reported by the provider in its response (authoritative when present).</summary>
    Provider,
}
