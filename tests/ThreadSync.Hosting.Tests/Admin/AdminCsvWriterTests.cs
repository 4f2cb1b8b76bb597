using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using ThreadSync.Hosting.Admin;

namespace ThreadSync.Hosting.Tests.Admin;

/// <summary>CSV cells per RFC 4180, with spreadsheet formula injection neutralized.</summary>
public sealed class AdminCsvWriterTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("cr\rlf", "\"cr\rlf\"")]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+SUM(A1)", "'+SUM(A1)")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("\tx", "'\tx")]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")]
    [InlineData("", "")]
    [InlineData("a=b", "a=b")]
    public void Escape_QuotesAndNeutralizes(string value, string expected) => Assert.Equal(expected, CsvWriter.Escape(value));

    [Fact]
    public async Task Rows_AreCommaSeparated_CrLfTerminated_NumbersInvariant()
    {
        var pipe = new Pipe();
        var csv = new CsvWriter(pipe.Writer);

        csv.Text("id").Text("cost").Text(null).EndRow();
        csv.Text("=x").Number(0.1m).Number(-3L).Time(new DateTimeOffset(2026, 1, 31, 14, 0, 0, TimeSpan.FromHours(2))).Date(new DateOnly(2026, 1, 31)).EndRow();
        await pipe.Writer.CompleteAsync();
        var result = await pipe.Reader.ReadAsync(TestContext.Current.CancellationToken);

        Assert.Equal("id,cost,\r\n'=x,0.1,-3,2026-01-31T12:00:00.0000000Z,2026-01-31\r\n", Encoding.UTF8.GetString(result.Buffer.ToArray()));
    }
}
