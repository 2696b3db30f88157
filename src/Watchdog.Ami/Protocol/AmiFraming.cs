using System.Buffers;

namespace Watchdog.Ami.Protocol;

/// <summary>Reads AMI messages and the banner line off a pipe's buffer.</summary>
internal static class AmiFraming
{
    /// <summary>A message larger than this is a protocol error rather than something to buffer forever.</summary>
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Reads the first complete message into <paramref name="target"/> and slices it off
    /// <paramref name="buffer"/>. The common case (the message inside the first segment) is parsed in
    /// place; a message that straddles segments is linearised into a rented buffer first.
    /// </summary>
    /// <exception cref="AmiProtocolException">The pending message is larger than <see cref="MaxMessageBytes"/>.</exception>
    public static bool TryReadMessage(ref ReadOnlySequence<byte> buffer, AmiMessage target)
    {
        if (buffer.IsEmpty)
        {
            return false;
        }

        var first = buffer.FirstSpan;
        if (AmiFrameParser.TryParse(first, ref target.Headers, out var count, out var start, out var length))
        {
            target.Load(first.Slice(start, length), count);
            buffer = buffer.Slice(start + length);
            return true;
        }

        if (buffer.IsSingleSegment)
        {
            ThrowIfTooLarge(buffer.Length);
            return false;
        }

        return TryReadStraddling(ref buffer, target, first.Length);
    }

    /// <summary>Reads one line (the banner), without its line ending.</summary>
    public static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out line, (byte)'\n'))
        {
            ThrowIfTooLarge(buffer.Length);
            return false;
        }
        if (line.Length > 0 && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r')
        {
            line = line.Slice(0, line.Length - 1);
        }
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    private static bool TryReadStraddling(ref ReadOnlySequence<byte> buffer, AmiMessage target, int firstLength)
    {
        var total = buffer.Length;
        var take = (int)Math.Min(total, Math.Max(16 * 1024, firstLength * 2L));
        while (true)
        {
            var rented = ArrayPool<byte>.Shared.Rent(take);
            try
            {
                buffer.Slice(0, take).CopyTo(rented);
                var span = rented.AsSpan(0, take);
                if (AmiFrameParser.TryParse(span, ref target.Headers, out var count, out var start, out var length))
                {
                    target.Load(span.Slice(start, length), count);
                    buffer = buffer.Slice(start + length);
                    return true;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            if (take == total)
            {
                ThrowIfTooLarge(total);
                return false;
            }
            take = (int)Math.Min(total, take * 2L);
        }
    }

    private static void ThrowIfTooLarge(long pending)
    {
        if (pending > MaxMessageBytes)
        {
            throw new AmiProtocolException($"An AMI message exceeded {MaxMessageBytes} bytes without ending.");
        }
    }
}
