using System.Buffers;

namespace ThreadSync.Hosting.Idempotency;

/// <summary>
/// A growable byte buffer of segments rented from <see cref="ArrayPool{T}.Shared"/>: growing never copies what was
/// written, and <see cref="ToArray"/> makes the one exact-size copy that is stored. Not thread-safe.
/// </summary>
internal sealed class SegmentedBuffer : IBufferWriter<byte>, IDisposable
{
    private const int FirstSegment = 4 * 1024;
    private const int LargestSegment = 1024 * 1024;

    private List<(byte[] Array, int Count)>? _full;
    private byte[]? _current;
    private int _used;
    private long _fullLength;

    /// <summary>Gets how many bytes were written.</summary>
    public long Length => _fullLength + _used;

    public void Advance(int count)
    {
        if (_current is null || (uint)count > (uint)(_current.Length - _used))
        {
            throw new InvalidOperationException("Advanced past the memory handed out.");
        }

        _used += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _current.AsMemory(_used);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _current.AsSpan(_used);
    }

    /// <summary>Appends a copy of <paramref name="bytes"/>.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var span = GetSpan();
            var n = Math.Min(span.Length, bytes.Length);
            bytes[..n].CopyTo(span);
            _used += n;
            bytes = bytes[n..];
        }
    }

    /// <summary>Copies everything written into one array of the exact length.</summary>
    public byte[] ToArray()
    {
        var result = GC.AllocateUninitializedArray<byte>(checked((int)Length));
        var offset = 0;
        foreach (var (array, count) in _full ?? [])
        {
            array.AsSpan(0, count).CopyTo(result.AsSpan(offset));
            offset += count;
        }

        _current?.AsSpan(0, _used).CopyTo(result.AsSpan(offset));
        return result;
    }

    public void Dispose()
    {
        foreach (var (array, _) in _full ?? [])
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        _full = null;
        if (_current is not null)
        {
            ArrayPool<byte>.Shared.Return(_current);
            _current = null;
        }

        _used = 0;
        _fullLength = 0;
    }

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_current))]
    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_current is not null && _current.Length - _used >= needed)
        {
            return;
        }

        var size = FirstSegment;
        if (_current is not null)
        {
            if (_used > 0)
            {
                (_full ??= []).Add((_current, _used));
                _fullLength += _used;
            }
            else
            {
                ArrayPool<byte>.Shared.Return(_current);
            }

            size = Math.Min(_current.Length * 2, LargestSegment);
        }

        _current = ArrayPool<byte>.Shared.Rent(Math.Max(size, needed));
        _used = 0;
    }
}
