namespace ThreadSync.Hosting.Sessions;

/// <summary>Web origins as app clients register them and browsers send them: <c>scheme://host[:port]</c>, lowercase, default ports left out.</summary>
internal static class OriginNames
{
    /// <summary>Normalizes an origin, or returns <see langword="null"/> when it is not an http(s) origin (a path, query, fragment or user info makes it one no longer).</summary>
    public static string? Normalize(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 256 || !Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0
            || uri.AbsolutePath != "/")
        {
            return null;
        }

        var host = uri.IdnHost.ToLowerInvariant();
        if (uri.HostNameType == UriHostNameType.IPv6)
        {
            host = "[" + host.Trim('[', ']') + "]";
        }

        return uri.IsDefaultPort ? $"{uri.Scheme}://{host}" : $"{uri.Scheme}://{host}:{uri.Port}";
    }
}
