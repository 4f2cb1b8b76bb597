using System.Globalization;
using System.IO.Pipelines;
using System.Text;

namespace ThreadSync.Hosting.Admin;

/// <summary>
/// Writes CSV per RFC 4180 (comma-separated, CRLF line ends, fields holding a comma, quote or line break quoted with
/// quotes doubled) as UTF-8, row by row, to a pipe. Text cells that a spreadsheet would run as a formula (starting
/// with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return) are neutralized with a leading apostrophe.
/// Numbers are written in the invariant culture, money digit for digit from <see langword="decimal"/>.
/// </summary>
internal sealed class CsvWriter(PipeWriter output)
{
    private readonly StringBuilder _row = new(256);
    private bool _rowStarted;

    /// <summary>Escapes one text cell (formula-neutralized, then quoted when needed).</summary>
    public static string Escape(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>Writes a text cell; <see langword="null"/> is an empty cell.</summary>
    public CsvWriter Text(string? value)
    {
        Separate();
        if (value is not null)
        {
            _row.Append(Escape(value));
        }

        return this;
    }

    public CsvWriter Number(long value)
    {
        Separate();
        _row.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public CsvWriter Number(decimal value)
    {
        Separate();
        _row.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>Writes a time as ISO 8601 in UTC (<c>2026-01-31T12:00:00.1234567Z</c>).</summary>
    public CsvWriter Time(DateTimeOffset value)
    {
        Separate();
        _row.Append(value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        return this;
    }

    public CsvWriter Date(DateOnly? value)
    {
        Separate();
        if (value is { } date)
        {
            _row.Append(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        return this;
    }

    /// <summary>Ends the row and moves it into the pipe (not yet flushed).</summary>
    public void EndRow()
    {
        _row.Append("\r\n");
        var row = _row.ToString();
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(row.Length));
        var written = Encoding.UTF8.GetBytes(row, span);
        output.Advance(written);
        _row.Clear();
        _rowStarted = false;
    }

    private void Separate()
    {
        if (_rowStarted)
        {
            _row.Append(',');
        }

        _rowStarted = true;
    }
}
