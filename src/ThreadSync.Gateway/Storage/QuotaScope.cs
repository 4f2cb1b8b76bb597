using ThreadSync.Gateway.Governance;

namespace ThreadSync.Gateway.Storage;

/// <summary>One bucket a reservation draws from, with the limits in force for this request.</summary>
/// <param name="Kind">What <paramref name="Id"/> names.</param>
/// <param name="Id">The key, team or org id.</param>
/// <param name="Limits">The limits to enforce.</param>
public sealed record QuotaScope(QuotaScopeKind Kind, string Id, QuotaLimits Limits);
