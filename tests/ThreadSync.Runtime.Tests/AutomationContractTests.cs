namespace ThreadSync.Runtime.Tests;

public sealed class AutomationContractTests
{
    [Fact]
    public void Validate_WellFormedContract_HasNoErrors()
    {
        var contract = new AutomationContract
        {
            Name = "invoice-triage",
            Inputs = ["invoice"],
            Outputs = ["category"],
            Permissions = ["ai.chat"],
            EgressAllowlist = ["api.example.com", "*.example.org"],
        };

        Assert.Empty(contract.Validate());
    }

    [Fact]
    public void Validate_BadContract_ReportsEveryProblem()
    {
        var contract = new AutomationContract
        {
            Name = "Invoice Triage",
            Inputs = ["a", "a"],
            EgressAllowlist = ["not a host!"],
            Limits = new ResourceLimits { MaxMemoryBytes = 0, MaxCpuTime = TimeSpan.Zero },
        };

        var errors = contract.Validate();

        Assert.Equal(5, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'a' more than once", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("not a host!", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Limits.MaxMemoryBytes", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Limits.MaxCpuTime", StringComparison.Ordinal));
    }
}
