using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Admin;

/// <summary>The admin API's refusals, in the gateway's stable error codes.</summary>
internal static class AdminErrors
{
    public static GatewayException NotFound(string what, string id) =>
        new(404, GatewayErrorCodes.NotFound, $"No {what} with id '{Quote(id)}'.");

    public static GatewayException Conflict(string message, string? param = null) =>
        new(409, GatewayErrorCodes.Conflict, message, param: param);

    public static GatewayException Invalid(string param, string message) =>
        new(400, GatewayErrorCodes.InvalidParameter, message, param: param);

    public static GatewayException Missing(string param) =>
        new(400, GatewayErrorCodes.MissingParameter, $"Missing required parameter: '{param}'.", param: param);

    /// <summary>Shortens a client-supplied value quoted in a message, and drops control characters.</summary>
    public static string Quote(string value)
    {
        var shortened = value.Length <= 64 ? value : value[..64] + "…";
        return shortened.Any(char.IsControl) ? new string([.. shortened.Where(static c => !char.IsControl(c))]) : shortened;
    }
}
