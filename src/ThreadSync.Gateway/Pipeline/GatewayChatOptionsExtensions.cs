using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway;

/// <summary>Attaches a <see cref="GatewayRequestContext"/> to <see cref="ChatOptions"/> and reads it back.</summary>
/// <remarks>
/// The context travels in <see cref="ChatOptions.AdditionalProperties"/> so it survives any
/// Microsoft.Extensions.AI middleware between the caller and the gateway (options are cloned shallowly).
/// </remarks>
public static class GatewayChatOptionsExtensions
{
    /// <summary>The one key under which a <see cref="GatewayRequestContext"/> travels, on options, responses and updates.</summary>
    internal const string ContextKey = "threadsync.context";

    /// <summary>Attaches <paramref name="context"/> to <paramref name="options"/>.</summary>
    /// <param name="options">The chat options.</param>
    /// <param name="context">The request context.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ChatOptions WithGatewayContext(this ChatOptions options, GatewayRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        (options.AdditionalProperties ??= [])[ContextKey] = context;
        return options;
    }

    /// <summary>Gets the context attached to <paramref name="options"/>, if any.</summary>
    /// <param name="options">The chat options, possibly <see langword="null"/>.</param>
    /// <param name="context">The attached context.</param>
    /// <returns><see langword="true"/> when a context is attached.</returns>
    public static bool TryGetGatewayContext(this ChatOptions? options, [NotNullWhen(true)] out GatewayRequestContext? context)
    {
        if (options?.AdditionalProperties?.TryGetValue(ContextKey, out var value) == true && value is GatewayRequestContext found)
        {
            context = found;
            return true;
        }

        context = null;
        return false;
    }
}
