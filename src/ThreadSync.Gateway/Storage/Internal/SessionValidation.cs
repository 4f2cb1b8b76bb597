namespace ThreadSync.Gateway.Storage.Internal;

/// <summary>The argument checks every <see cref="ISessionStore"/> makes, so the backends refuse the same input.</summary>
internal static class SessionValidation
{
    /// <summary>Checks an app client about to be created or updated.</summary>
    /// <param name="client">The app client.</param>
    public static void Validate(AppClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(client.Id, nameof(client));
        ArgumentException.ThrowIfNullOrEmpty(client.OrgId, nameof(client));
        ArgumentNullException.ThrowIfNull(client.Name, nameof(client));
        ArgumentNullException.ThrowIfNull(client.AllowedOrigins, nameof(client));
        ArgumentNullException.ThrowIfNull(client.Access, nameof(client));

        // Stored in whole seconds.
        if (client.SessionLifetime < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException("An app client's session lifetime is at least one second.", nameof(client));
        }
    }

    /// <summary>Checks a share code about to be recorded.</summary>
    /// <param name="code">The share code.</param>
    public static void Validate(ShareCode code)
    {
        ArgumentNullException.ThrowIfNull(code);
        Hash(code.CodeHash, nameof(code));
        ArgumentException.ThrowIfNullOrEmpty(code.AppClientId, nameof(code));
        ArgumentException.ThrowIfNullOrEmpty(code.OrgId, nameof(code));
        ArgumentException.ThrowIfNullOrEmpty(code.KeyId, nameof(code));
        ArgumentException.ThrowIfNullOrEmpty(code.SubjectId, nameof(code));
        ArgumentException.ThrowIfNullOrEmpty(code.CodeChallenge, nameof(code));
    }

    /// <summary>Checks a session about to be created.</summary>
    /// <param name="session">The session.</param>
    public static void Validate(SubjectSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrEmpty(session.Id, nameof(session));
        Hash(session.TokenHash, nameof(session));
        Hash(session.HmacKey, nameof(session));
        ArgumentException.ThrowIfNullOrEmpty(session.AppClientId, nameof(session));
        ArgumentException.ThrowIfNullOrEmpty(session.OrgId, nameof(session));
        ArgumentException.ThrowIfNullOrEmpty(session.KeyId, nameof(session));
        ArgumentException.ThrowIfNullOrEmpty(session.SubjectId, nameof(session));
        ArgumentException.ThrowIfNullOrEmpty(session.Origin, nameof(session));
    }

    /// <summary>Checks a nonce's use.</summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="nonce">The nonce.</param>
    public static void ValidateNonce(string sessionId, string nonce)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentException.ThrowIfNullOrEmpty(nonce);
    }

    /// <summary>Checks a hash or key given as bytes: present and not empty.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <param name="paramName">The argument's name.</param>
    public static void Hash(byte[]? bytes, string paramName)
    {
        if (bytes is null || bytes.Length == 0)
        {
            throw new ArgumentException("A hash or key is required.", paramName);
        }
    }

    /// <summary>The whole seconds of an app client's session lifetime, as stored.</summary>
    /// <param name="lifetime">The lifetime.</param>
    /// <returns>The seconds.</returns>
    public static long Seconds(TimeSpan lifetime) => lifetime.Ticks / TimeSpan.TicksPerSecond;
}
