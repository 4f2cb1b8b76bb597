using ThreadSync.Sample.Server;

// The reference server: `dotnet run --project samples/ThreadSync.Sample.Server` serves on http://127.0.0.1:5080.
var app = SampleServer.Build(args);
await SampleServer.EnsureAdminKeyAsync(app);
await app.RunAsync();
