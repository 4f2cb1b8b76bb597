using Microsoft.Extensions.AI;

namespace ThreadSync.Gateway.Pipeline.Internal;

/// <summary>A model the request may be served by, with the client of its provider.</summary>
internal readonly record struct RouteCandidate(ModelDescriptor Model, IChatClient Client);
