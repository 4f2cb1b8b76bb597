using Microsoft.Extensions.AI;

namespace ThreadSync.Benchmarks;

/// <summary>Realistic requests for the routing benchmarks.</summary>
internal static class Prompts
{
    public const string System = "You are a helpful engineering assistant for an internal developer platform. Answer precisely, "
        + "prefer concrete steps, and say when you are unsure. Keep answers focused on the user's question.";

    /// <summary>A 2 KB developer question: prose, a stack trace and a code fence.</summary>
    public static readonly string User2KB = BuildUser2KB();

    /// <summary>A 2 KB prompt of plain prose with no routing keyword at all (the scanner's fastest case).</summary>
    public static readonly string Prose2KB = Fill(
        "The committee met on a Tuesday afternoon to review the plans for the new community garden near the old mill. "
        + "Members walked the site, measured the beds along the river path, and agreed where the benches and the shed would stand. ");

    public static List<ChatMessage> Conversation(string user) =>
    [
        new(ChatRole.System, System),
        new(ChatRole.User, user),
    ];

    private static string BuildUser2KB()
    {
        const string Head = "Hi! After upgrading our service to the new runtime, the nightly import job started failing. "
            + "It reads customer records from a queue, maps them and writes batches to the database. Here is the error we see in the logs:\n\n"
            + "Unhandled exception. System.InvalidOperationException: Sequence contains no matching element\n"
            + "   at System.Linq.ThrowHelper.ThrowNoMatchException()\n"
            + "   at Import.Mapper.MapRegion(CustomerRecord record) in /src/Import/Mapper.cs:line 42\n"
            + "   at Import.Worker.ProcessBatchAsync(IReadOnlyList`1 batch, CancellationToken token) in /src/Import/Worker.cs:line 88\n\n"
            + "And the mapping code:\n\n```csharp\n"
            + "public Region MapRegion(CustomerRecord record)\n{\n"
            + "    var code = record.Address?.CountryCode ?? \"\";\n"
            + "    return _regions.First(r => r.Countries.Contains(code));\n}\n```\n\n";
        const string Tail = "Could you explain why this only happens after the upgrade, and suggest a fix that keeps the import "
            + "going when a record has no country? Ideally without slowing the batch down.";
        var middle = Fill("We run about forty thousand records per night, in batches of five hundred, and most of them have a full address. "
            + "The job ran without problems for months before the upgrade, and the data itself did not change as far as we can tell. ", 2048 - Head.Length - Tail.Length);
        return Head + middle + Tail;
    }

    private static string Fill(string sentence, int length = 2048)
    {
        var text = string.Concat(Enumerable.Repeat(sentence, (length / sentence.Length) + 1));
        return text[..length];
    }
}
