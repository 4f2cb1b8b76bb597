using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ThreadSync.Gateway;

namespace ThreadSync.Hosting.Http;

/// <summary>Deserializes a request body with source-generated metadata; malformed JSON becomes a 400 naming the field.</summary>
internal static class JsonRequestBody
{
    public static T Deserialize<T>(ReadOnlySequence<byte> body, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        T? value;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 128 });
            value = JsonSerializer.Deserialize(ref reader, typeInfo);
        }
        catch (JsonException ex)
        {
            var param = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? null : ex.Path.TrimStart('$', '.');
            var where = param is null ? string.Empty : $" at '{param}'";
            var what = ex.LineNumber is null ? "has a value of the wrong type" : "is not valid JSON";
            throw new GatewayException(400, GatewayErrorCodes.InvalidJson, $"The request body {what}{where}.", param: param);
        }

        return value ?? throw new GatewayException(400, GatewayErrorCodes.InvalidJson, "The request body must be a JSON object.");
    }
}
