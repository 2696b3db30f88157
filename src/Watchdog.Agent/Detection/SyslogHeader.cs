namespace Watchdog.Agent.Detection;

/// <summary>How a syslog line carries its time.</summary>
public enum SyslogTimestampKind : byte
{
    /// <summary>No timestamp (journal-style <c>host tag: msg</c>).</summary>
    None,
    /// <summary>BSD syslog <c>Nov 26 07:40:01</c> (no year, no zone).</summary>
    Bsd,
    /// <summary>RFC 3339 <c>2026-11-26T07:40:01.123456+00:00</c> (rsyslog high precision, RFC 5424).</summary>
    Rfc3339,
}

/// <summary>
/// The parts of one syslog line, as offsets into it (no copies): BSD (<c>Nov 26 07:40:01 host sshd[123]: msg</c>),
/// RFC 3339 (<c>2026-11-26T07:40:01.123456+00:00 host sshd[123]: msg</c>), RFC 5424
/// (<c>&lt;38&gt;1 TIMESTAMP HOST APP PROCID MSGID SD MSG</c>) and hostless or timestampless variants
/// (<c>sshd[1]: msg</c>, <c>[sshd]: msg</c>).
/// </summary>
public readonly struct SyslogHeader
{
    private SyslogHeader(SyslogTimestampKind kind, Range timestamp, Range app, int pid, int messageStart)
    {
        TimestampKind = kind;
        Timestamp = timestamp;
        App = app;
        Pid = pid;
        MessageStart = messageStart;
    }

    /// <summary>Which timestamp format the line had.</summary>
    public SyslogTimestampKind TimestampKind { get; }

    /// <summary>Where the timestamp is.</summary>
    public Range Timestamp { get; }

    /// <summary>Where the program name (<c>sshd</c>) is.</summary>
    public Range App { get; }

    /// <summary>The process id in the tag, or -1.</summary>
    public int Pid { get; }

    /// <summary>Offset of the message after the tag.</summary>
    public int MessageStart { get; }

    /// <summary>
    /// The line's time. BSD timestamps carry no year or zone: they are read as UTC in the year of
    /// <paramref name="reference"/>, or the year before when that would put them more than a day in the future
    /// (a December line read in January).
    /// </summary>
    public bool TryGetTimestamp(ReadOnlySpan<byte> line, DateTimeOffset reference, out DateTimeOffset timestamp)
    {
        timestamp = default;
        var text = line[Timestamp];
        Span<char> chars = stackalloc char[Math.Min(text.Length, 64)];
        if (text.Length > chars.Length || TimestampKind == SyslogTimestampKind.None)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            chars[i] = (char)text[i];
        }

        var culture = System.Globalization.CultureInfo.InvariantCulture;
        if (TimestampKind == SyslogTimestampKind.Rfc3339)
        {
            return DateTimeOffset.TryParse(chars, culture, System.Globalization.DateTimeStyles.AssumeUniversal, out timestamp);
        }

        // "Nov 26 07:40:01" / "Feb  7 16:01:07" / "Feb 7 16:01:07"
        Span<char> normalised = stackalloc char[32];
        var written = 0;
        var lastSpace = false;
        foreach (var c in chars)
        {
            if (c == ' ' && lastSpace)
            {
                continue;
            }

            lastSpace = c == ' ';
            normalised[written++] = c;
        }

        var year = reference.UtcDateTime.Year;
        if (!DateTime.TryParseExact(normalised[..written], "MMM d HH:mm:ss", culture, System.Globalization.DateTimeStyles.None, out var parsed) &&
            !DateTime.TryParseExact(normalised[..written], "MMM dd HH:mm:ss", culture, System.Globalization.DateTimeStyles.None, out parsed))
        {
            return false;
        }

        // Feb 29 needs the right year to exist, so build the date explicitly.
        for (var y = year; y >= year - 1; y--)
        {
            if (parsed.Month == 2 && parsed.Day == 29 && !DateTime.IsLeapYear(y))
            {
                continue;
            }

            var candidate = new DateTimeOffset(y, parsed.Month, parsed.Day, parsed.Hour, parsed.Minute, parsed.Second, TimeSpan.Zero);
            if (candidate <= reference.AddDays(1))
            {
                timestamp = candidate;
                return true;
            }
        }

        return false;
    }

    /// <summary>Splits a line; false when it does not look like syslog.</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out SyslogHeader header)
    {
        header = default;
        if (line.IsEmpty)
        {
            return false;
        }

        return line[0] == (byte)'<' ? TryParseRfc5424(line, out header) : TryParseBsd(line, out header);
    }

    private static bool TryParseBsd(ReadOnlySpan<byte> line, out SyslogHeader header)
    {
        header = default;
        var kind = SyslogTimestampKind.None;
        var timestamp = default(Range);
        var pos = 0;
        if (line.Length > 20 && IsDigit(line[0]) && IsDigit(line[3]) && line[4] == (byte)'-' && line[10] == (byte)'T')
        {
            var end = line.IndexOf((byte)' ');
            if (end < 0)
            {
                return false;
            }

            kind = SyslogTimestampKind.Rfc3339;
            timestamp = new Range(0, end);
            pos = end;
        }
        else if (line.Length > 16 && IsMonth(line[..3]) && line[3] == (byte)' ')
        {
            // "Nov 26 07:40:01", "Feb 7 16:01:07", "Jan  5 01:31:41"
            var p = 4;
            while (p < line.Length && line[p] == (byte)' ')
            {
                p++;
            }

            var dayStart = p;
            while (p < line.Length && IsDigit(line[p]))
            {
                p++;
            }

            if (p - dayStart is < 1 or > 2 || p + 9 > line.Length || line[p] != (byte)' ' ||
                line[p + 3] != (byte)':' || line[p + 6] != (byte)':')
            {
                return false;
            }

            kind = SyslogTimestampKind.Bsd;
            timestamp = new Range(0, p + 9);
            pos = p + 9;
        }

        while (pos < line.Length && line[pos] == (byte)' ')
        {
            pos++;
        }

        // Either "tag: msg" or "host tag: msg".
        for (var token = 0; token < 2; token++)
        {
            var rest = line[pos..];
            var space = rest.IndexOf((byte)' ');
            var tokenEnd = space < 0 ? rest.Length : space;
            if (TryParseTag(rest[..tokenEnd], out var appStart, out var appLength, out var pid))
            {
                var messageStart = pos + tokenEnd + (space < 0 ? 0 : 1);
                header = new SyslogHeader(kind, timestamp, new Range(pos + appStart, pos + appStart + appLength), pid, messageStart);
                return true;
            }

            if (space < 0)
            {
                return false;
            }

            pos += space + 1;
        }

        return false;
    }

    // "sshd[123]:", "sshd:", "[sshd]:", "[sshd]", "sshd[123]"
    private static bool TryParseTag(ReadOnlySpan<byte> token, out int appStart, out int appLength, out int pid)
    {
        appStart = 0;
        appLength = 0;
        pid = -1;
        var colon = token.Length > 0 && token[^1] == (byte)':';
        if (colon)
        {
            token = token[..^1];
        }

        if (token.Length < 2)
        {
            return false;
        }

        if (token[0] == (byte)'[' && token[^1] == (byte)']')
        {
            appStart = 1;
            appLength = token.Length - 2;
            return appLength > 0;
        }

        if (token[^1] == (byte)']')
        {
            var open = token.LastIndexOf((byte)'[');
            if (open <= 0 || !TryParsePid(token[(open + 1)..^1], out pid))
            {
                return false;
            }

            appLength = open;
            return true;
        }

        if (colon && token.IndexOfAny((byte)'[', (byte)']') < 0)
        {
            appLength = token.Length;
            return true;
        }

        return false;
    }

    private static bool TryParseRfc5424(ReadOnlySpan<byte> line, out SyslogHeader header)
    {
        header = default;
        var close = line.IndexOf((byte)'>');
        if (close is < 2 or > 4)
        {
            return false;
        }

        var pos = close + 1;
        if (!NextToken(line, ref pos, out var version) || version.End.Value - version.Start.Value is < 1 or > 2 ||
            !NextToken(line, ref pos, out var timestamp) ||
            !NextToken(line, ref pos, out _) ||
            !NextToken(line, ref pos, out var app) ||
            !NextToken(line, ref pos, out var procId) ||
            !NextToken(line, ref pos, out _))
        {
            return false;
        }

        var pid = TryParsePid(line[procId], out var p) ? p : -1;
        if (pos < line.Length && line[pos] == (byte)'-')
        {
            pos++;
        }
        else
        {
            while (pos < line.Length && line[pos] == (byte)'[')
            {
                pos = SkipStructuredElement(line, pos);
                if (pos < 0)
                {
                    return false;
                }
            }
        }

        if (pos < line.Length && line[pos] == (byte)' ')
        {
            pos++;
        }

        if (line[pos..].StartsWith("\xEF\xBB\xBF"u8))
        {
            pos += 3;
        }

        var kind = line[timestamp].SequenceEqual("-"u8) ? SyslogTimestampKind.None : SyslogTimestampKind.Rfc3339;
        header = new SyslogHeader(kind, timestamp, app, pid, pos);
        return true;
    }

    // One "[id k="v" ...]" element; values may hold ']' and escaped quotes.
    private static int SkipStructuredElement(ReadOnlySpan<byte> line, int pos)
    {
        var quoted = false;
        for (var i = pos + 1; i < line.Length; i++)
        {
            var b = line[i];
            if (quoted)
            {
                if (b == (byte)'\\')
                {
                    i++;
                }
                else if (b == (byte)'"')
                {
                    quoted = false;
                }
            }
            else if (b == (byte)'"')
            {
                quoted = true;
            }
            else if (b == (byte)']')
            {
                return i + 1;
            }
        }

        return -1;
    }

    private static bool NextToken(ReadOnlySpan<byte> line, ref int pos, out Range token)
    {
        token = default;
        if (pos >= line.Length)
        {
            return false;
        }

        var space = line[pos..].IndexOf((byte)' ');
        if (space <= 0)
        {
            return false;
        }

        token = new Range(pos, pos + space);
        pos += space + 1;
        return true;
    }

    private static bool TryParsePid(ReadOnlySpan<byte> digits, out int pid)
    {
        pid = 0;
        if (digits.Length is 0 or > 9)
        {
            pid = -1;
            return false;
        }

        foreach (var b in digits)
        {
            if (!IsDigit(b))
            {
                pid = -1;
                return false;
            }

            pid = (pid * 10) + (b - '0');
        }

        return true;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool IsMonth(ReadOnlySpan<byte> m) =>
        m.SequenceEqual("Jan"u8) || m.SequenceEqual("Feb"u8) || m.SequenceEqual("Mar"u8) || m.SequenceEqual("Apr"u8) ||
        m.SequenceEqual("May"u8) || m.SequenceEqual("Jun"u8) || m.SequenceEqual("Jul"u8) || m.SequenceEqual("Aug"u8) ||
        m.SequenceEqual("Sep"u8) || m.SequenceEqual("Oct"u8) || m.SequenceEqual("Nov"u8) || m.SequenceEqual("Dec"u8);
}
