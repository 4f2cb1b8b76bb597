namespace ThreadSync.Hosting;

/// <summary>Admin API settings, bound from <c>ThreadSync:Admin</c>.</summary>
/// <remarks>
/// The admin API (<c>/admin/v1/…</c>) manages orgs, teams, keys, org policies, usage reports and the admin audit
/// trail. It is authenticated by one admin key, never by the inference keys it manages: either
/// <see cref="ApiKey"/>, or, when that is unset, a key generated on the first run by
/// <c>EnsureThreadSyncAdminKeyAsync</c> whose SHA-256 hash the gateway keeps in its store.
/// </remarks>
public sealed class ThreadSyncAdminOptions
{
    /// <summary>The configuration section the admin settings bind from.</summary>
    public const string SectionName = "ThreadSync:Admin";

    /// <summary>The shortest admin key accepted in <see cref="ApiKey"/>.</summary>
    public const int MinApiKeyLength = 16;

    /// <summary>Gets or sets a value indicating whether <c>MapThreadSync</c> maps the admin API (<c>ThreadSync:Admin:Enabled</c>).</summary>
    /// <value><see langword="true"/> by default. When <see langword="false"/>, <c>/admin/v1/…</c> answers 404.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets the admin key (<c>ThreadSync:Admin:ApiKey</c>, e.g. the environment variable
    /// <c>ThreadSync__Admin__ApiKey</c>), presented as <c>Authorization: Bearer</c> or <c>x-api-key</c>.
    /// </summary>
    /// <remarks>
    /// At least <see cref="MinApiKeyLength"/> characters; a long random value is best (for example
    /// <c>openssl rand -base64 32</c>). It is compared by SHA-256 hash in constant time and never logged. When set,
    /// it replaces any generated admin key kept in the store.
    /// </remarks>
    /// <value><see langword="null"/> by default: the generated admin key applies.</value>
    public string? ApiKey { get; set; }
}
