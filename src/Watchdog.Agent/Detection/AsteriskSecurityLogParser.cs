namespace Watchdog.Agent.Detection;

/// <summary>
/// Splits an Asterisk security log line
/// (<c>[2026-11-26 08:02:18.361] SECURITY[12005] res_security_log.c: SecurityEvent="InvalidAccountID",…,RemoteAddress="IPV4/UDP/…"</c>)
/// into its key="value" pairs. Values are not escaped by Asterisk and may contain quotes, so a value ends only
/// at a quote followed by <c>,Key="</c> or by the end of the line. Duplicated keys are kept in order; the
/// classifier decides which occurrence to trust.
/// </summary>
public static class AsteriskSecurityLogParser
{
    /// <summary>Parses one line; false when it holds no <c>SecurityEvent="</c>.</summary>
    public static bool TryParse(string line, out List<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(line);
        fields = [];
        var start = line.IndexOf("SecurityEvent=\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return false;
        }

        var span = line.AsSpan().TrimEnd("\r\n ");
        var pos = start;
        while (pos < span.Length)
        {
            var eq = span[pos..].IndexOf("=\"", StringComparison.Ordinal);
            if (eq <= 0)
            {
                break;
            }

            var key = span.Slice(pos, eq);
            var valueStart = pos + eq + 2;
            var valueEnd = FindValueEnd(span, valueStart);
            fields.Add(new(key.ToString(), span[valueStart..valueEnd].ToString()));
            pos = valueEnd + 2; // past '",'
        }

        return fields.Count > 0;
    }

    private static int FindValueEnd(ReadOnlySpan<char> line, int from)
    {
        for (var i = from; i < line.Length; i++)
        {
            if (line[i] != '"')
            {
                continue;
            }

            if (i == line.Length - 1)
            {
                return i;
            }

            if (line[i + 1] == ',' && StartsWithKey(line[(i + 2)..]))
            {
                return i;
            }
        }

        // Unterminated: the rest of the line.
        return line.Length - (line.Length > from && line[^1] == '"' ? 1 : 0);
    }

    private static bool StartsWithKey(ReadOnlySpan<char> text)
    {
        var i = 0;
        while (i < text.Length && char.IsAsciiLetterOrDigit(text[i]))
        {
            i++;
        }

        return i > 0 && text[i..].StartsWith("=\"", StringComparison.Ordinal);
    }
}
