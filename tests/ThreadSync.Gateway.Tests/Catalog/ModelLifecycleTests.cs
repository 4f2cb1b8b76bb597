using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ThreadSync.Gateway.Tests.Catalog;

/// <summary>Lifecycle by date: a passed <c>retires_on</c> retires a model whatever its written status.</summary>
public sealed class ModelLifecycleTests
{
    [Theory]
    [InlineData(ModelLifecycleStatus.Active, null, null, "2026-11-24", ModelLifecycleStatus.Active)]
    [InlineData(ModelLifecycleStatus.Deprecated, null, "2026-12-11", "2026-12-10", ModelLifecycleStatus.Deprecated)]
    [InlineData(ModelLifecycleStatus.Deprecated, null, "2026-12-11", "2026-12-11", ModelLifecycleStatus.Retired)]
    [InlineData(ModelLifecycleStatus.Active, null, "2027-01-14", "2026-11-24", ModelLifecycleStatus.Deprecated)]
    [InlineData(ModelLifecycleStatus.Active, "2026-12-01", null, "2026-11-30", ModelLifecycleStatus.Active)]
    [InlineData(ModelLifecycleStatus.Active, "2026-12-01", null, "2026-12-01", ModelLifecycleStatus.Deprecated)]
    [InlineData(ModelLifecycleStatus.Retired, null, null, "2020-01-01", ModelLifecycleStatus.Retired)]
    [InlineData(ModelLifecycleStatus.Retired, null, "2030-01-01", "2026-11-24", ModelLifecycleStatus.Retired)]
    public void StatusOn_TakesTheDatesIntoAccount(ModelLifecycleStatus written, string? deprecatedOn, string? retiresOn, string today, ModelLifecycleStatus expected)
    {
        var lifecycle = new ModelLifecycle
        {
            Status = written,
            DeprecatedOn = deprecatedOn is null ? null : DateOnly.Parse(deprecatedOn, System.Globalization.CultureInfo.InvariantCulture),
            RetiresOn = retiresOn is null ? null : DateOnly.Parse(retiresOn, System.Globalization.CultureInfo.InvariantCulture),
        };

        Assert.Equal(expected, lifecycle.StatusOn(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task ModelDirectory_DropsAModelOnItsRetirementDay_ByTheInjectedClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 10, 23, 59, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddThreadSyncGateway(options => options.Providers.OpenAI.ApiKey = "sk-test");
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        var directory = provider.GetRequiredService<IGatewayModelDirectory>();

        var before = directory.GetAvailableModels(GatewayCaller.InProcess).Select(m => m.Id).ToList();
        time.Advance(TimeSpan.FromMinutes(1));
        var after = directory.GetAvailableModels(GatewayCaller.InProcess).Select(m => m.Id).ToList();

        // gpt-5 and o3 are written "deprecated" with retires_on 2026-12-11; o3-mini is written "retired".
        Assert.Contains("gpt-5", before);
        Assert.Contains("o3", before);
        Assert.DoesNotContain("o3-mini", before);
        Assert.DoesNotContain("gpt-5", after);
        Assert.DoesNotContain("o3", after);
        Assert.Contains("gpt-5.4", after);
        Assert.DoesNotContain("claude-sonnet-4-6", after);
    }
}
