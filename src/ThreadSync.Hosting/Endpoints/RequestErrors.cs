using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Endpoints;

/// <summary>The 400s request parsers throw: each names the field at fault in <c>param</c>.</summary>
internal static class RequestErrors
{
    public static GatewayException Missing(string param) =>
        new(400, GatewayErrorCodes.MissingParameter, $"Missing required parameter: '{param}'.", param: param);

    public static GatewayException Invalid(string param, string message) =>
        new(400, GatewayErrorCodes.InvalidParameter, message, param: param);

    public static GatewayException Unsupported(string param, string message) =>
        new(400, GatewayErrorCodes.UnsupportedParameter, message, param: param);

    /// <summary>Shortens a client-supplied value quoted in a message.</summary>
    public static string Truncate(string value) => value.Length <= 50 ? value : value[..50] + "…";
}
