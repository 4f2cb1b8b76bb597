using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;
using ThreadSync.Gateway.Audit;
using ThreadSync.Gateway.Storage;
using ThreadSync.Gateway.Tests.TestSupport;
using ThreadSync.Testing.FakeUpstreams;

namespace ThreadSync.Gateway.Tests.Audit;

/// <summary>
/// Calls of the host application through the in-process <see cref="IChatClient"/> are audited too: key id
/// <c>in-process</c>, hashes of the prompt and answer text (docs/audit.md), appended before the call returns.
/// </summary>
public sealed class InProcessAuditTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetResponse_AppendsARecord_BeforeItReturns()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI);
        var context = new GatewayRequestContext(GatewayCaller.InProcess);
        ChatMessage[] messages = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Say hi ☃")];

        var response = await gateway.Chat.GetResponseAsync(messages, new ChatOptions { ModelId = "gpt-4o" }.WithGatewayContext(context), Ct);

        var record = Assert.Single(await InferenceRecordsAsync(gateway.Stores));
        Assert.Equal(record with { Content = null }, context.AuditRecord! with { PreviousHash = record.PreviousHash, At = record.At });
        Assert.Equal((1L, context.CorrelationId), (record.Sequence, record.CorrelationId));
        Assert.Equal(("in-process", "in-process", null), (record.KeyId, record.Endpoint, record.OrgId));
        Assert.Equal(("gpt-4o", "openai", RouteMethod.Pinned), (record.Model, record.Provider, record.RouteMethod));
        Assert.Equal((UsageVerdicts.Ok, 200), (record.Verdict, record.StatusCode));
        Assert.Equal(context.Usage!.InputTokens, record.InputTokens);
        Assert.Equal(Sha256("system\nBe brief.\nuser\nSay hi ☃\n"), record.PromptSha256);
        Assert.Equal(Sha256(response.Text), record.ResponseSha256);
    }

    [Fact]
    public async Task GetStreamingResponse_HashesTheWholeAnswer_AndAFailureIsRecordedToo()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(FakeProviderKind.OpenAI);
        var answer = new StringBuilder();

        await foreach (var update in gateway.Chat.GetStreamingResponseAsync([new(ChatRole.User, "Stream please")], new ChatOptions { ModelId = "gpt-4o" }, Ct))
        {
            answer.Append(update.Text);
        }

        gateway.Upstream.Enqueue(FakeReply.Error(400, "Bad things in the request."));
        await Assert.ThrowsAsync<GatewayException>(() => gateway.Chat.GetResponseAsync([new(ChatRole.User, "Fail please")], new ChatOptions { ModelId = "gpt-4o" }, Ct));

        var records = await InferenceRecordsAsync(gateway.Stores);
        Assert.Equal(2, records.Count);
        Assert.Equal(Sha256("user\nStream please\n"), records[0].PromptSha256);
        Assert.Equal(Sha256(answer.ToString()), records[0].ResponseSha256);
        Assert.Equal((UsageVerdicts.Failed, null), (records[1].Verdict, records[1].ResponseSha256));
        Assert.True(records[1].StatusCode >= 400);
        Assert.True((await gateway.Stores.Audit.VerifyAsync(Ct)).Valid);
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static async Task<List<AuditRecord>> InferenceRecordsAsync(GatewayStores stores)
    {
        var records = new List<AuditRecord>();
        await foreach (var record in stores.Audit.ReadAsync(cancellationToken: Ct))
        {
            if (record.Kind == AuditKinds.Inference)
            {
                records.Add(record);
            }
        }

        return records;
    }
}
