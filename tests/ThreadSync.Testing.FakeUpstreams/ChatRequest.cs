using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace ThreadSync.Testing.FakeUpstreams;

/// <summary>
/// The parts of an OpenAI-style chat request body the fakes need. Only valid while the
/// <see cref="JsonDocument"/> it was read from is alive.
/// </summary>
internal sealed class ChatRequest
{
    private string? _lastUserText;
    private int _promptWords = -1;

    private ChatRequest(JsonElement root, JsonElement messages, string model)
    {
        Root = root;
        Messages = messages;
        Model = model;
        Stream = root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True;
        IncludeUsage = root.TryGetProperty("stream_options", out var options)
            && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("include_usage", out var includeUsage)
            && includeUsage.ValueKind == JsonValueKind.True;
    }

    /// <summary>Gets the body root object.</summary>
    public JsonElement Root { get; }

    /// <summary>Gets the non-empty <c>messages</c> array.</summary>
    public JsonElement Messages { get; }

    /// <summary>Gets the requested model.</summary>
    public string Model { get; }

    /// <summary>Gets a value indicating whether <c>stream</c> is true.</summary>
    public bool Stream { get; }

    /// <summary>Gets a value indicating whether <c>stream_options.include_usage</c> is true.</summary>
    public bool IncludeUsage { get; }

    /// <summary>Gets the text of the last <c>user</c> message (empty when none).</summary>
    public string LastUserText
    {
        get
        {
            Scan();
            return _lastUserText!;
        }
    }

    /// <summary>Gets the number of whitespace-separated words over all message texts (at least 1).</summary>
    public int PromptWords
    {
        get
        {
            Scan();
            return _promptWords;
        }
    }

    /// <summary>Reads the request, or says what is wrong with it.</summary>
    /// <param name="root">The parsed body.</param>
    /// <param name="dialect">The dialect that words the errors.</param>
    /// <param name="request">The request when valid.</param>
    /// <param name="error">The error when invalid.</param>
    /// <returns>True when valid.</returns>
    public static bool TryRead(JsonElement root, OpenAICompatibleDialect dialect, [NotNullWhen(true)] out ChatRequest? request, out ProviderError error)
    {
        request = null;
        error = default;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = dialect.InvalidBodyError();
            return false;
        }

        if (!root.TryGetProperty("model", out var modelElement)
            || modelElement.ValueKind != JsonValueKind.String
            || modelElement.GetString() is not { Length: > 0 } model)
        {
            error = dialect.MissingModelError();
            return false;
        }

        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            error = dialect.MissingMessagesError();
            return false;
        }

        if (messages.GetArrayLength() == 0)
        {
            error = dialect.EmptyMessagesError();
            return false;
        }

        request = new ChatRequest(root, messages, model);
        return true;
    }

    /// <summary>Tells whether the body has the property with a non-null value.</summary>
    /// <param name="name">The property name.</param>
    /// <returns>True when present and not null.</returns>
    public bool Has(string name) => Root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    private void Scan()
    {
        if (_promptWords >= 0)
        {
            return;
        }

        var total = 0;
        string? lastUser = null;
        foreach (var message in Messages.EnumerateArray())
        {
            var text = WireText.MessageText(message, out var words);
            total += words;
            if (message.ValueKind == JsonValueKind.Object
                && message.TryGetProperty("role", out var role)
                && role.ValueEquals("user"))
            {
                lastUser = text ?? string.Empty;
            }
        }

        _lastUserText = lastUser ?? string.Empty;
        _promptWords = Math.Max(1, total);
    }
}
