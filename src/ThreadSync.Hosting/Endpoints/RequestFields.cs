using System.Text.Json;

namespace ThreadSync.Hosting.Endpoints;

/// <summary>Request fields that read the same on every endpoint that has them.</summary>
internal static class RequestFields
{
    /// <summary>Reads <c>stop</c>: a string or an array of strings.</summary>
    public static List<string>? StopSequences(JsonElement? stop)
    {
        switch (stop)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return null;
            case { ValueKind: JsonValueKind.String } single:
                return [single.GetString()!];
            case { ValueKind: JsonValueKind.Array } array:
                var list = new List<string>(array.GetArrayLength());
                foreach (var item in array.EnumerateArray())
                {
                    list.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw RequestErrors.Invalid("stop", "'stop' must be a string or an array of strings."));
                }

                return list;
            default:
                throw RequestErrors.Invalid("stop", "'stop' must be a string or an array of strings.");
        }
    }
}
