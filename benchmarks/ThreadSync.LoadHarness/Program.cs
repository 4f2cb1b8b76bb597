using System.Globalization;
using ThreadSync.LoadHarness;

// dotnet run -c Release --project benchmarks/ThreadSync.LoadHarness -- [--smoke] [options]   (see benchmarks/README.md)
// The harness starts itself again as the fake upstream: `upstream --port N`.
if (args is ["upstream", "--port", var port])
{
    await FakeUpstream.RunAsync(int.Parse(port, CultureInfo.InvariantCulture));
    return 0;
}

HarnessOptions options;
try
{
    options = HarnessOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

return await Harness.RunAsync(options);
