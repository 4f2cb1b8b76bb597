using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway.Providers.Internal;

/// <summary>Names a content in an "is not supported" message: its media type when it has one, else its kind.</summary>
internal static class ContentDescription
{
    public static string Of(AIContent content) => content switch
    {
        DataContent data => data.MediaType,
        UriContent uri => uri.MediaType,
        _ => content.GetType().Name,
    };
}
