using Microsoft.Data.Sqlite;
using ThreadSync.Gateway.Storage.Sqlite;

namespace ThreadSync.Gateway.Tests.Storage;

/// <summary>
/// The SQLite group commit: writes from many threads share transactions, each sees the ones before it, and one that
/// fails is undone alone.
/// </summary>
public sealed class SqliteWriterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("threadsync-writer-").FullName;
    private readonly SqliteDatabase _db;

    public SqliteWriterTests()
    {
        _db = new SqliteDatabase($"Data Source={Path.Combine(_folder, "writer.db")}", TimeProvider.System);
    }

    public void Dispose()
    {
        _db.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task ConcurrentReadModifyWrites_LoseNothing()
    {
        await CreateCounterAsync();

        // Each write reads the counter and writes it back plus one: lost updates would show if two ever interleaved.
        var writers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 250; i++)
            {
                await _db.WriteAsync(0, static (s, _) =>
                {
                    var value = (long)s.Command("SELECT value FROM counter").ExecuteScalar()!;
                    var update = s.Command("UPDATE counter SET value = $value", "$value");
                    update.Set(0, value + 1);
                    return update.ExecuteNonQuery();
                }, TestContext.Current.CancellationToken);
            }
        }));
        await Task.WhenAll(writers);

        Assert.Equal(2000L, await ReadCounterAsync());
    }

    [Fact]
    public async Task AFailingWrite_IsUndoneAlone_AndTheOthersCommit()
    {
        await CreateCounterAsync();
        using var gate = new ManualResetEventSlim();

        // The first write holds the writer thread, so the next ones queue up and run in one transaction together.
        var blocker = _db.WriteAsync(gate, static (_, gate) => gate.Wait(TimeSpan.FromSeconds(30)), TestContext.Current.CancellationToken).AsTask();
        var before = Add(1);
        var failing = _db.WriteAsync(0, static (s, _) => ChangeThenFail(s), TestContext.Current.CancellationToken).AsTask();
        var after = Add(10);
        gate.Set();

        Assert.True(await blocker);
        Assert.Equal(1, await before);
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal(1, await after);
        Assert.Equal(11L, await ReadCounterAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DurableAndOrdinaryWrites_BothCommit(bool waitForSync)
    {
        var durability = waitForSync ? SqliteWriteDurability.Synced : SqliteWriteDurability.CommittedSyncing;
        await CreateCounterAsync();

        await Task.WhenAll(Add(1), _db.WriteDurableAsync(0, static (s, _) => s.Command("UPDATE counter SET value = value + 2").ExecuteNonQuery(), durability, TestContext.Current.CancellationToken).AsTask(), Add(4));

        Assert.Equal(7L, await ReadCounterAsync());
    }

    private static int ChangeThenFail(SqliteSession s)
    {
        s.Command("UPDATE counter SET value = value + 100").ExecuteNonQuery();
        throw new InvalidOperationException("this write fails after changing the counter");
    }

    private Task<int> Add(long amount) =>
        _db.WriteAsync(amount, static (s, amount) =>
        {
            var update = s.Command("UPDATE counter SET value = value + $amount", "$amount");
            update.Set(0, amount);
            return update.ExecuteNonQuery();
        }, TestContext.Current.CancellationToken).AsTask();

    private async Task CreateCounterAsync() =>
        await _db.WriteAsync(0, static (s, _) =>
        {
            s.Execute("CREATE TABLE counter (value INTEGER NOT NULL)");
            s.Execute("INSERT INTO counter (value) VALUES (0)");
            return true;
        }, TestContext.Current.CancellationToken);

    private async Task<long> ReadCounterAsync() =>
        await _db.ReadAsync(0, static (s, _) => (long)s.Command("SELECT value FROM counter").ExecuteScalar()!, TestContext.Current.CancellationToken);
}
