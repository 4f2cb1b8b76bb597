namespace ThreadSync.Gateway;

/// <summary>
/// Connection settings for one upstream model provider, bound from
/// <c>ThreadSync:Providers:&lt;Name&gt;</c> (for example <c>ThreadSync:Providers:OpenAI:ApiKey</c>).
/// </summary>
/// <remarks>
/// A provider is enabled when <see cref="ApiKey"/> is set. <see cref="BaseUrl"/> points the adapter at a
/// proxy or any server speaking the provider's wire format; it follows each provider's own SDK convention
/// (OpenAI and xAI include <c>/v1</c>, Perplexity has no version segment).
/// </remarks>
public sealed class ProviderOptions
{
    /// <summary>Gets or sets the provider API key. It is sent only to this provider and never logged.</summary>
    /// <value>The key, or <see langword="null"/> when the provider is not configured.</value>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the provider base URL.</summary>
    /// <value>An absolute http(s) URL, or <see langword="null"/> for the provider's public endpoint.</value>
    public string? BaseUrl { get; set; }

    /// <summary>Gets or sets how long the provider may stay silent: before its response headers, and between any two reads of its body.</summary>
    /// <remarks>
    /// For non-streaming calls the headers usually arrive with the whole completion, so this bounds the whole call;
    /// for streams it bounds the time to the first byte and every pause after it, so a provider that stops sending
    /// without closing the connection fails with <c>upstream_timeout</c>. Reasoning models can think for minutes.
    /// </remarks>
    /// <value>Ten minutes by default; at most one hour.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets a value indicating whether the provider has credentials and can take traffic.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}
