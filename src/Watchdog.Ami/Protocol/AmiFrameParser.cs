using System.Text;

namespace Watchdog.Ami.Protocol;

/// <summary>
/// Finds and indexes one AMI message at the start of a buffer. Pure: no I/O, no allocation except
/// growing the caller's header array. Lines end in CRLF or a bare LF; a message ends at an empty
/// line; stray empty lines between messages are skipped. A <c>Response: Follows</c> message (the
/// pre-Asterisk-14 <c>Command</c> reply) ends only after its <c>--END COMMAND--</c> marker, and its
/// raw output lines are indexed as <c>Output</c> headers.
/// </summary>
internal static class AmiFrameParser
{
    private static ReadOnlySpan<byte> EndCommand => "--END COMMAND--"u8;

    /// <summary>Tries to index the first complete message in <paramref name="input"/>.</summary>
    /// <param name="input">Bytes as received.</param>
    /// <param name="headers">Grown when too small; ranges are relative to <paramref name="frameStart"/>.</param>
    /// <param name="headerCount">How many entries of <paramref name="headers"/> are valid.</param>
    /// <param name="frameStart">Where the message starts (after skipped blank lines).</param>
    /// <param name="frameLength">Length of the message including its terminating empty line.</param>
    /// <returns><c>false</c> when the buffer does not yet hold a complete message.</returns>
    public static bool TryParse(
        ReadOnlySpan<byte> input,
        ref HeaderRange[] headers,
        out int headerCount,
        out int frameStart,
        out int frameLength)
    {
        headerCount = 0;
        frameLength = 0;
        frameStart = SkipBlankLines(input);
        if (frameStart < 0)
        {
            frameStart = 0;
            return false;
        }

        var frame = input[frameStart..];
        var pos = 0;
        var mode = Mode.Headers;
        while (true)
        {
            var lf = frame[pos..].IndexOf((byte)'\n');
            if (lf < 0)
            {
                return false;
            }

            var lineStart = pos;
            var lineEnd = pos + lf;
            pos = lineEnd + 1;
            if (lineEnd > lineStart && frame[lineEnd - 1] == (byte)'\r')
            {
                lineEnd--;
            }

            var line = frame[lineStart..lineEnd];
            if (line.IsEmpty && mode is Mode.Headers or Mode.FollowsEnded)
            {
                if (headerCount == 0)
                {
                    continue;
                }
                frameLength = pos;
                return true;
            }

            switch (mode)
            {
                case Mode.Headers:
                    AddHeader(ref headers, ref headerCount, line, lineStart);
                    if (headerCount == 1 && IsFollows(line))
                    {
                        mode = Mode.FollowsHeaders;
                    }
                    break;

                case Mode.FollowsHeaders when IsFollowsHeader(line):
                    AddHeader(ref headers, ref headerCount, line, lineStart);
                    break;

                case Mode.FollowsHeaders:
                case Mode.FollowsOutput:
                    mode = Mode.FollowsOutput;
                    if (line.EndsWith(EndCommand))
                    {
                        var before = line[..^EndCommand.Length];
                        if (!before.IsEmpty)
                        {
                            AddOutputLine(ref headers, ref headerCount, before.TrimEnd((byte)'\n').Length, lineStart);
                        }
                        mode = Mode.FollowsEnded;
                    }
                    else
                    {
                        AddOutputLine(ref headers, ref headerCount, line.Length, lineStart);
                    }
                    break;

                case Mode.FollowsEnded:
                    // Anything between the end marker and the blank line is kept as a header.
                    AddHeader(ref headers, ref headerCount, line, lineStart);
                    break;
            }
        }
    }

    /// <summary>Index of the first byte after leading empty lines, or -1 when more data is needed.</summary>
    private static int SkipBlankLines(ReadOnlySpan<byte> input)
    {
        var pos = 0;
        while (pos < input.Length)
        {
            var b = input[pos];
            if (b == (byte)'\n')
            {
                pos++;
            }
            else if (b == (byte)'\r')
            {
                if (pos + 1 >= input.Length)
                {
                    return -1;
                }
                if (input[pos + 1] != (byte)'\n')
                {
                    return pos;
                }
                pos += 2;
            }
            else
            {
                return pos;
            }
        }
        return -1;
    }

    private static void AddHeader(ref HeaderRange[] headers, ref int count, ReadOnlySpan<byte> line, int lineStart)
    {
        var colon = line.IndexOf((byte)':');
        HeaderRange range;
        if (colon < 0)
        {
            // Not a header: keep the line as a nameless value so nothing is silently lost.
            range = new HeaderRange(lineStart, 0, lineStart, line.Length, HeaderFlags.None);
        }
        else
        {
            var valueStart = colon + 1;
            if (valueStart < line.Length && line[valueStart] == (byte)' ')
            {
                valueStart++;
            }
            var name = line[..colon];
            var flags = SensitiveHeaders.IsSensitive(name) ? HeaderFlags.Redacted : HeaderFlags.None;
            range = new HeaderRange(lineStart, colon, lineStart + valueStart, line.Length - valueStart, flags);
        }
        Append(ref headers, ref count, range);
    }

    private static void AddOutputLine(ref HeaderRange[] headers, ref int count, int length, int lineStart) =>
        Append(ref headers, ref count, new HeaderRange(lineStart, 0, lineStart, length, HeaderFlags.OutputLine));

    private static void Append(ref HeaderRange[] headers, ref int count, HeaderRange range)
    {
        if (count == headers.Length)
        {
            Array.Resize(ref headers, Math.Max(16, headers.Length * 2));
        }
        headers[count++] = range;
    }

    private static bool IsFollows(ReadOnlySpan<byte> line) =>
        Ascii.EqualsIgnoreCase(line, "Response: Follows"u8);

    private static bool IsFollowsHeader(ReadOnlySpan<byte> line) =>
        StartsWithIgnoreCase(line, "Privilege:"u8) || StartsWithIgnoreCase(line, "ActionID:"u8) ||
        StartsWithIgnoreCase(line, "Message:"u8);

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> line, ReadOnlySpan<byte> prefix) =>
        line.Length >= prefix.Length && Ascii.EqualsIgnoreCase(line[..prefix.Length], prefix);

    private enum Mode
    {
        Headers,
        FollowsHeaders,
        FollowsOutput,
        FollowsEnded,
    }
}
