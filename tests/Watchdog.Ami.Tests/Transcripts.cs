using System.Buffers;
using Watchdog.Ami.Protocol;

namespace Watchdog.Ami.Tests;

/// <summary>Real AMI bytes captured from Asterisk 22.10.1 (copied from shared/ami-transcripts).</summary>
internal static class Transcripts
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "ami-transcripts");

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Directory, name));

    /// <summary>Every AMI transcript (received and sent), not the Asterisk log files or the notes.</summary>
    public static IEnumerable<string> AllAmiFiles() =>
        System.IO.Directory.GetFiles(Directory, "*.txt").Select(Path.GetFileName).Where(n => n != "99-timeline.txt").Order()!;

    /// <summary>Parses a whole buffer the way the connection does, optionally fed in small segments.</summary>
    public static List<AmiMessage> ParseAll(byte[] bytes, out string? banner, int segmentSize = int.MaxValue)
    {
        var sequence = Segments.Of(bytes, segmentSize);
        banner = null;
        if (bytes.AsSpan().StartsWith("Asterisk Call Manager/"u8) && AmiFraming.TryReadLine(ref sequence, out var line))
        {
            banner = System.Text.Encoding.ASCII.GetString(line.ToArray());
        }
        var messages = new List<AmiMessage>();
        var message = new AmiMessage();
        while (AmiFraming.TryReadMessage(ref sequence, message))
        {
            messages.Add(message);
            message = new AmiMessage();
        }
        Assert.True(IsOnlyBlankLines(sequence), $"unparsed tail of {sequence.Length} bytes");
        return messages;
    }

    private static bool IsOnlyBlankLines(ReadOnlySequence<byte> rest)
    {
        foreach (var b in rest.ToArray())
        {
            if (b is not ((byte)'\r' or (byte)'\n')) return false;
        }
        return true;
    }
}

/// <summary>Builds a multi-segment sequence, to test messages that straddle buffers ("lots of chunks").</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Of(byte[] bytes, int segmentSize)
    {
        if (bytes.Length == 0) return ReadOnlySequence<byte>.Empty;
        if (segmentSize >= bytes.Length) return new ReadOnlySequence<byte>(bytes);
        var first = new Segments(bytes.AsMemory(0, segmentSize), 0);
        var last = first;
        for (var at = segmentSize; at < bytes.Length; at += segmentSize)
        {
            var next = new Segments(bytes.AsMemory(at, Math.Min(segmentSize, bytes.Length - at)), at);
            last.Next = next;
            last = next;
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
