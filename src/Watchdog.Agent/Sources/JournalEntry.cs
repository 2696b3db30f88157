using System.Text;
using System.Text.Json;

namespace Watchdog.Agent.Sources;

/// <summary>The fields of one <c>journalctl -o json</c> entry that the sshd source needs.</summary>
/// <param name="Message">MESSAGE as UTF-8 (journald gives binary messages as an array of byte values).</param>
/// <param name="RealtimeMicroseconds">__REALTIME_TIMESTAMP, microseconds since the Unix epoch (0 if absent).</param>
/// <param name="Unit">_SYSTEMD_UNIT, or null.</param>
/// <param name="Identifier">SYSLOG_IDENTIFIER, or null.</param>
/// <param name="Pid">_PID (or SYSLOG_PID), or -1.</param>
public sealed record JournalEntry(byte[] Message, long RealtimeMicroseconds, string? Unit, string? Identifier, int Pid)
{
    /// <summary>The entry's time.</summary>
    public DateTimeOffset? Timestamp => RealtimeMicroseconds > 0
        ? DateTimeOffset.UnixEpoch.AddTicks(RealtimeMicroseconds * 10)
        : null;

    /// <summary>Parses one JSON line; false when it is not a JSON object with a MESSAGE.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out JournalEntry? entry)
    {
        entry = null;
        byte[]? message = null;
        long realtime = 0;
        string? unit = null, identifier = null;
        int pid = -1, syslogPid = -1;
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            if (!reader.Read())
            {
                return false;
            }

            if (name.SequenceEqual("MESSAGE"u8))
            {
                message = ReadBytes(ref reader);
            }
            else if (name.SequenceEqual("__REALTIME_TIMESTAMP"u8))
            {
                _ = long.TryParse(ReadString(ref reader), out realtime);
            }
            else if (name.SequenceEqual("_SYSTEMD_UNIT"u8))
            {
                unit = ReadString(ref reader);
            }
            else if (name.SequenceEqual("SYSLOG_IDENTIFIER"u8))
            {
                identifier = ReadString(ref reader);
            }
            else if (name.SequenceEqual("_PID"u8))
            {
                pid = int.TryParse(ReadString(ref reader), out var p) ? p : -1;
            }
            else if (name.SequenceEqual("SYSLOG_PID"u8))
            {
                syslogPid = int.TryParse(ReadString(ref reader), out var p) ? p : -1;
            }
            else
            {
                reader.Skip();
            }
        }

        if (message is null)
        {
            return false;
        }

        entry = new JournalEntry(message, realtime, unit, identifier, pid >= 0 ? pid : syslogPid);
        return true;
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    private static byte[]? ReadBytes(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return Encoding.UTF8.GetBytes(reader.GetString() ?? "");
            case JsonTokenType.StartArray:
                var bytes = new List<byte>();
                while (reader.Read() && reader.TokenType == JsonTokenType.Number)
                {
                    bytes.Add(reader.TryGetByte(out var b) ? b : (byte)'?');
                }

                return [.. bytes];
            default:
                reader.Skip();
                return null;
        }
    }
}
