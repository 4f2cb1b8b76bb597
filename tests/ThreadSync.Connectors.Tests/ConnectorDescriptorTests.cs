namespace ThreadSync.Connectors.Tests;

public sealed class ConnectorDescriptorTests
{
    [Fact]
    public void Validate_Descriptor_ChecksNameAndProducedKinds()
    {
        Assert.Empty(new ConnectorDescriptor { Name = "salesforce", Produces = UnifiedRecordKinds.Customer | UnifiedRecordKinds.Account }.Validate());

        var errors = new ConnectorDescriptor { Name = "my crm" }.Validate();

        Assert.Equal(2, errors.Count);
    }
}
