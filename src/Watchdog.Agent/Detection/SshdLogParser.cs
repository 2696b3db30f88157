namespace Watchdog.Agent.Detection;

/// <summary>
/// Allocation-free sshd message classifier with the coverage of fail2ban's <c>sshd</c> filter in normal mode
/// (failed password/keyboard-interactive/hostbased/publickey-of-invalid-user, invalid user, PAM and pam_unix
/// failures, AllowUsers/DenyUsers/groups refusals, ROOT LOGIN REFUSED, maximum authentication attempts, too many
/// authentication failures, change of user, JSch "Auth fail" disconnects) on bytes, no regex.
/// <para>
/// The address is taken only from where sshd writes it. Wherever a user name (attacker text) comes before the
/// address, the address is found from the right-hand end (<c>from IP port N ssh2</c> at the end of the line),
/// so a user called <c>from 5.6.7.8 port 22 ssh2</c> can never get 5.6.7.8 banned. A valid user cannot contain
/// spaces, so for those lines the token after the user name is used.
/// </para>
/// </summary>
public static partial class SshdLogParser
{
    /// <summary>Parses a whole syslog line (BSD, RFC 3339 or RFC 5424 header); false for anything but a relevant sshd line.</summary>
    public static bool TryParseLine(ReadOnlySpan<byte> line, out SshdRecord record)
    {
        record = default;
        // Cheap vectorised pre-filter: the vast majority of auth.log lines are cron/sudo/pam noise.
        if (line.IndexOf("sshd"u8) < 0 || !SyslogHeader.TryParse(line, out var header))
        {
            return false;
        }

        var app = line[header.App];
        if (!app.SequenceEqual("sshd"u8) && !app.SequenceEqual("sshd-session"u8))
        {
            return false;
        }

        return TryParseMessage(line[header.MessageStart..], header.Pid, out record);
    }

    /// <summary>Parses only the message part (as journald gives it in MESSAGE) of sshd process <paramref name="pid"/> (-1 if unknown).</summary>
    public static bool TryParseMessage(ReadOnlySpan<byte> message, int pid, out SshdRecord record)
    {
        record = default;
        var m = Normalise(message);
        if (m.Length < 12)
        {
            return false;
        }

        return m[0] switch
        {
            (byte)'F' => Failed(m, pid, out record),
            (byte)'I' or (byte)'i' => InvalidUser(m, pid, out record),
            (byte)'U' => UserLine(m, pid, out record),
            (byte)'R' => RootLoginRefused(m, pid, out record) || ReceivedDisconnect(m, pid, out record),
            (byte)'r' => RefusedConnect(m, pid, out record),
            (byte)'m' => MaximumAttempts(m, pid, out record),
            (byte)'D' => Disconnect(m, pid, out record),
            (byte)'C' => Connection(m, pid, out record),
            (byte)'A' or (byte)'a' => AcceptedOrAuthentication(m, pid, out record),
            (byte)'p' => PamUnix(m, pid, out record),
            _ => false,
        };
    }

    // Drops the decorations fail2ban's __prefix_line/__pref allow before the message proper.
    private static ReadOnlySpan<byte> Normalise(ReadOnlySpan<byte> m)
    {
        m = m.TrimStart((byte)' ');
        if (m.StartsWith("kernel:"u8))
        {
            m = m[7..].TrimStart((byte)' ');
            if (m.Length > 0 && m[0] == (byte)'[')
            {
                var close = m.IndexOf((byte)']');
                m = close < 0 ? m : m[(close + 1)..];
                if (m.Length > 0 && m[0] == (byte)':')
                {
                    m = m[1..];
                }
            }

            m = m.TrimStart((byte)' ');
        }

        if (m.StartsWith("[ID "u8))
        {
            var close = m.IndexOf("] "u8);
            if (close > 0)
            {
                m = m[(close + 2)..];
            }
        }

        if (m.StartsWith("error: "u8) || m.StartsWith("fatal: "u8))
        {
            m = m[7..];
        }

        if (m.StartsWith("PAM: "u8))
        {
            m = m[5..];
        }

        return m.TrimEnd(" \t\r"u8);
    }
}
