using System.Net;

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
public static class SshdLogParser
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
            (byte)'R' => RootOrReceived(m, pid, out record),
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

    // Failed <method> for [invalid user ]<user> from <ip> [port N] [sshN][: info]
    private static bool Failed(ReadOnlySpan<byte> m, int pid, out SshdRecord record)
    {
        record = default;
        if (!m.StartsWith("Failed "u8))
        {
            return false;
        }

        var rest = m[7..];
        var space = rest.IndexOf((byte)' ');
        if (space <= 0)
        {
            return false;
        }

        var method = rest[..space];
        rest = rest[(space + 1)..];
        if (!rest.StartsWith("for "u8))
        {
            return false;
        }

        rest = rest[4..];
        var invalid = rest.StartsWith("invalid user "u8) || rest.StartsWith("illegal user "u8);
        IPAddress? address = null;
        var userHash = 0;
        if (invalid)
        {
            rest = rest[13..];
        }
        else
        {
            // A real account name has no spaces: "for root from 192.0.2.1 port 22 ssh2[: info]".
            var userEnd = rest.IndexOf((byte)' ');
            if (userEnd > 0 && rest[userEnd..].StartsWith(" from "u8) &&
                TryHostThenTail(rest[(userEnd + 6)..], allowInfo: true, out address))
            {
                userHash = Hash(rest[..userEnd]);
            }
        }

        if (address is null)
        {
            if (!TryRightmostFrom(rest, allowInfo: true, out address, out var userLength))
            {
                return false;
            }

            userHash = Hash(rest[..userLength]);
        }

        // A valid user trying several keys is normal; only the final "too many failures" counts (fail2ban: publickey=nofail).
        var verdict = !invalid && method.SequenceEqual("publickey"u8) ? SshdVerdict.NoFailure : SshdVerdict.Failure;
        record = new SshdRecord(verdict, address, pid, userHash);
        return true;
    }

    // Invalid user <user> [from] <ip> [port N] [[preauth]]
    private static bool InvalidUser(ReadOnlySpan<byte> m, int pid, out SshdRecord record)
    {
        record = default;
        if (!(m.StartsWith("Invalid user "u8) || m.StartsWith("Illegal user "u8) ||
              m.StartsWith("invalid user "u8) || m.StartsWith("illegal user "u8)))
        {
            return false;
        }

        var body = StripSuffix(m[13..]);
        if (!TryLastToken(body, out var host, out _) || !IpLiteral.TryParse(host, out var address))
        {
            return false;
        }

        record = new SshdRecord(SshdVerdict.Failure, address, pid, 0);
        return true;
    }

    private static bool UserLine(ReadOnlySpan<byte> m, int pid, out SshdRecord record)
    {
        record = default;
        if (m.StartsWith("User not known to the underlying authentication module for "u8))
        {
            var body = StripSuffix(m[59..]);
            if (TryLastToken(body, out var host, out _) && IpLiteral.TryParse(host, out var a))
            {
                record = new SshdRecord(SshdVerdict.Failure, a, pid, 0);
                return true;
            }

            return false;
        }

        if (!m.StartsWith("User "u8))
        {
            return false;
        }

        // The real reason is the last one: a user name may itself contain " not allowed because ".
        var because = m.LastIndexOf(" not allowed because "u8);
        if (because < 0)
        {
            return false;
        }

        var reason = StripSuffix(m[(because + 21)..]);
        var who = m[5..because];
        if (reason.SequenceEqual("account is locked"u8))
        {
            record = new SshdRecord(SshdVerdict.Failure, null, pid, Hash(who));
            return true;
        }

        if (!(reason.SequenceEqual("not listed in AllowUsers"u8) || reason.SequenceEqual("listed in DenyUsers"u8) ||
              reason.SequenceEqual("not in any group"u8) || reason.SequenceEqual("a group is listed in DenyGroups"u8) ||
              reason.SequenceEqual("none of user's groups are listed in AllowGroups"u8)))
        {
            return false;
        }

        if (!TryLastToken(who, out var hostToken, out _) || !IpLiteral.TryParse(hostToken, out var address))
        {
            return false;
        }

        record = new SshdRecord(SshdVerdict.Failure, address, pid, 0);
        return true;
    }

    private static bool RootOrReceived(ReadOnlySpan<byte> m, int pid, out SshdRecord record)
    {
        record = default;
        if (m.StartsWith("ROOT LOGIN REFUSED FROM "u8))
        {
            var rest = m[24..];
            var end = rest.IndexOf((byte)' ');
            if (IpLiteral.TryParse(end < 0 ? rest : rest[..end], out var a))
            {
                record = new SshdRecord(SshdVerdict.Failure, a, pid, 0);
                return true;
            }

            return false;
        }

        if (!m.StartsWith("Received disconnect from "u8))
        {
            return false;
        }

        // "from 1.2.3.4: 3: text: Auth fail", "from 1.2.3.4 port 7736:3: ...", "from ::1: 11: Bye"
        var after = m[25..];
        var space = after.IndexOf((byte)' ');
        if (space <= 0)
        {
            return false;
        }

        var hostToken = after[..space];
        after = after[space..];
        if (hostToken[^1] == (byte)':')
        {
            hostToken = hostToken[..^1];
            after = after[1..];
        }
        else if (after.StartsWith(" port "u8))
        {
            after = SkipDigits(after[6..]);
            if (after.Length == 0 || after[0] != (byte)':')
            {
                return false;
            }

            after = after[1..].TrimStart((byte)' ');
        }
        else
        {
            return false;
        }

        if (!IpLiteral.TryParse(hostToken, out var address))
        {
            return false;
        }

        if (after.StartsWith("11:"u8))
        {
            record = new SshdRecord(SshdVerdict.NoFailure, address, pid, 0, Forget: true);
            return true;
        }

        if (after.StartsWith("3: "u8) && StripSuffix(after).EndsWith(": Auth fail"u8))
        {
            record = new SshdRecord(SshdVerdict.Failure, address, pid, 0, Forget: true);
            return true;
        }

        return false;
    }

    // refused connect from <name> (<ip>)
    private static bool RefusedConnect(ReadOnlySpan<byte> m, int pid, out SshdRecord record)
    {
        record = default;
        if (!m.StartsWith("refused connect from "u8))
        {
            return false;
        }

        var rest = m[21..];
        var open = rest.IndexOf(" ("u8);
        if (open <= 0 || rest[..open].IndexOf((byte)' ') >= 0)
        {
            return false;
        }

        rest = rest[(open + 2)..];
        var close = rest.IndexOf((byte)')');
        if (close <= 0 || !IpLiteral.TryParse(rest[..close], out var address))
        {
            return false;
        }

        record = new SshdRecord(SshdVerdict.Failure, address, pid, 0);
        return true;
    }

    private static bool MaximumAttempts(ReadOnlySpan<byte> m, int pid, out SshdRecord record)
    {
        record = default;
        if (!m.StartsWith("maximum authentication attempts exceeded for "u8))
        {
            return false;
        }

        if (!TryRightmostFrom(m[45..], allowInfo: false, out var address, out _))
        {
            return false;
        }

        record = new SshdRecord(SshdVerdict.Failure, address, pid, 0);
        return true;
    }

    private static bool Disconnect(ReadOnlySpan<byte> m, int pid, out SshdRecord record)
    {
        record = default;
        if (m.StartsWith("Disconnecting: Too many authentication failures"u8))
        {
            var rest = StripSuffix(m[47..]);
            if (rest.IsEmpty)
            {
                record = new SshdRecord(SshdVerdict.Failure, null, pid, 0);
                return true;
            }

            if (rest.StartsWith(" for "u8) && rest[5..].IndexOf((byte)' ') < 0)
            {
                record = new SshdRecord(SshdVerdict.Failure, null, pid, Hash(rest[5..]));
                return true;
            }

            return false;
        }

        if (m.StartsWith("Disconnected from "u8))
        {
            return ClosedOrDisconnected(m[18..], pid, out record);
        }

        return ChangeOfUser(m, pid, out record);
    }

    // Disconnecting (invalid|authenticating) user U IP [port N]: Change of username or service not allowed: (U,S) -> (U2,S2) [preauth]
    private static bool ChangeOfUser(ReadOnlySpan<byte> m, int pid, out SshdRecord record)
    {
        record = default;
        ReadOnlySpan<byte> rest;
        if (m.StartsWith("Disconnecting invalid user "u8))
        {
            rest = m[27..];
        }
        else if (m.StartsWith("Disconnecting authenticating user "u8))
        {
            rest = m[34..];
        }
        else
        {
            return false;
        }

        // Every piece must be one token and the whole line must match, else a crafted user name could
        // shift the address position (the "Invalid user" line has already counted such an attempt).
        var userEnd = rest.IndexOf((byte)' ');
        if (userEnd <= 0)
        {
            return false;
        }

        var user = rest[..userEnd];
        rest = rest[(userEnd + 1)..];
        var hostEnd = rest.IndexOfAny((byte)' ', (byte)':');
        if (hostEnd <= 0)
        {
            return false;
        }

        // IPv6 contains ':'; take up to the space or the ": Change" marker.
        var marker = rest.IndexOf(": Change of username or service not allowed: ("u8);
        if (marker <= 0)
        {
            return false;
        }

        var hostAndPort = rest[..marker];
        var portAt = hostAndPort.IndexOf(" port "u8);
        var hostToken = portAt < 0 ? hostAndPort : hostAndPort[..portAt];
        if (portAt >= 0 && !SkipDigits(hostAndPort[(portAt + 6)..]).IsEmpty)
        {
            return false;
        }

        if (hostToken.IndexOf((byte)' ') >= 0 || !IpLiteral.TryParse(hostToken, out var address))
        {
            return false;
        }

        var tail = StripSuffix(rest[(marker + 46)..]);
        if (!tail.StartsWith(user) || tail.Length <= user.Length || tail[user.Length] != (byte)',')
        {
            return false;
        }

        tail = tail[(user.Length + 1)..];
        var arrow = tail.IndexOf(") -> ("u8);
        if (arrow <= 0 || tail[..arrow].IndexOfAny((byte)' ', (byte)')') >= 0)
        {
            return false;
        }

        tail = tail[(arrow + 6)..];
        if (tail.Length < 3 || tail[^1] != (byte)')' || tail[..^1].IndexOfAny((byte)' ', (byte)'(') >= 0 ||
            tail[..^1].IndexOf((byte)',') <= 0)
        {
            return false;
        }

        record = new SshdRecord(SshdVerdict.Failure, address, pid, Hash(user), Forget: true);
        return true;
    }

    private static bool Connection(ReadOnlySpan<byte> m, int pid, out SshdRecord record)
    {
        record = default;
        if (m.StartsWith("Connection closed by "u8))
        {
            return ClosedOrDisconnected(m[21..], pid, out record);
        }

        if (m.StartsWith("Connection from "u8))
        {
            var rest = m[16..];
            var end = rest.IndexOf((byte)' ');
            if (IpLiteral.TryParse(end < 0 ? rest : rest[..end], out var address))
            {
                record = new SshdRecord(SshdVerdict.NoFailure, address, pid, 0);
                return true;
            }
        }

        return false;
    }

    // "[(invalid|authenticating) user U ]IP [port N] [[preauth]]": learns the address, ends the session.
    private static bool ClosedOrDisconnected(ReadOnlySpan<byte> rest, int pid, out SshdRecord record)
    {
        record = default;
        if (!TryLastToken(StripSuffix(rest), out var host, out _) || !IpLiteral.TryParse(host, out var address))
        {
            return false;
        }

        record = new SshdRecord(SshdVerdict.NoFailure, address, pid, 0, Forget: true);
        return true;
    }

    private static bool AcceptedOrAuthentication(ReadOnlySpan<byte> m, int pid, out SshdRecord record)
    {
        record = default;
        if (m.StartsWith("Accepted "u8))
        {
            // Accepted <method> for <user> from <ip> port N ssh2[: key]
            var rest = m[9..];
            var space = rest.IndexOf((byte)' ');
            if (space <= 0 || !rest[(space + 1)..].StartsWith("for "u8))
            {
                return false;
            }

            rest = rest[(space + 5)..];
            var userEnd = rest.IndexOf((byte)' ');
            if (userEnd <= 0 || !rest[userEnd..].StartsWith(" from "u8))
            {
                return false;
            }

            var after = rest[(userEnd + 6)..];
            var hostEnd = after.IndexOf((byte)' ');
            if (!IpLiteral.TryParse(hostEnd < 0 ? after : after[..hostEnd], out var address))
            {
                return false;
            }

            record = new SshdRecord(SshdVerdict.NoFailure, address, pid, Hash(rest[..userEnd]), Forget: true, Gained: true);
            return true;
        }

        // [aA]uthentication (failure|error|failed) for <user> [from] <host> [via <name>]
        var a = m[1..];
        if (!(a.StartsWith("uthentication failure for "u8) || a.StartsWith("uthentication error for "u8) ||
              a.StartsWith("uthentication failed for "u8)))
        {
            return false;
        }

        var body = StripSuffix(a[(a.IndexOf(" for "u8) + 5)..]);
        var via = body.LastIndexOf(" via "u8);
        if (via > 0 && body[(via + 5)..].IndexOf((byte)' ') < 0)
        {
            body = body[..via];
        }

        if (!TryLastToken(body, out var hostToken, out _) || !IpLiteral.TryParse(hostToken, out var ip))
        {
            return false;
        }

        record = new SshdRecord(SshdVerdict.Failure, ip, pid, 0);
        return true;
    }

    // pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=R rhost=H [ user=U]
    private static bool PamUnix(ReadOnlySpan<byte> m, int pid, out SshdRecord record)
    {
        record = default;
        var marker = m.IndexOf("(sshd:auth): authentication failure;"u8);
        if (marker <= 4 || !m.StartsWith("pam_"u8) || marker > 16)
        {
            return false;
        }

        var rest = m[(marker + 36)..];
        var ruserAt = rest.IndexOf(" ruser="u8);
        if (ruserAt < 0)
        {
            return false;
        }

        rest = rest[(ruserAt + 7)..];
        var ruserEnd = rest.IndexOf((byte)' ');
        if (ruserEnd < 0)
        {
            return false;
        }

        var ruser = rest[..ruserEnd];
        rest = rest[ruserEnd..];
        if (!rest.StartsWith(" rhost="u8))
        {
            return false;
        }

        rest = rest[7..];
        var hostEnd = rest.IndexOf((byte)' ');
        var host = hostEnd < 0 ? rest : rest[..hostEnd];
        IpLiteral.TryParse(host, out var address);
        var user = ruser;
        var userAt = rest.IndexOf(" user="u8);
        if (userAt >= 0)
        {
            var u = StripSuffix(rest[(userAt + 6)..]);
            if (!u.IsEmpty)
            {
                user = u;
            }
        }

        record = new SshdRecord(SshdVerdict.NoFailure, address, pid, user.IsEmpty ? 0 : Hash(user));
        return true;
    }

    /// <summary>
    /// Finds "from IP[ port N][ sshN]" followed by the end of the line (or ": info" when allowed), trying the
    /// rightmost occurrence first. Whatever is left of it is the (untrusted) user part.
    /// </summary>
    private static bool TryRightmostFrom(ReadOnlySpan<byte> text, bool allowInfo, out IPAddress? address, out int userLength)
    {
        address = null;
        userLength = 0;
        var limit = text.Length;
        while (limit > 0)
        {
            var at = text[..limit].LastIndexOf(" from "u8);
            if (at < 0)
            {
                return false;
            }

            if (TryHostThenTail(text[(at + 6)..], allowInfo, out address))
            {
                userLength = at;
                return true;
            }

            limit = at;
        }

        return false;
    }

    // "<ip>[ port N][ sshN]" then end, " [preauth]" or (allowInfo) ": ...".
    private static bool TryHostThenTail(ReadOnlySpan<byte> text, bool allowInfo, out IPAddress? address)
    {
        address = null;
        var end = text.IndexOf((byte)' ');
        var host = end < 0 ? text : text[..end];
        var tail = end < 0 ? default : text[end..];
        if (tail.StartsWith(" port "u8))
        {
            var digits = tail[6..];
            tail = SkipDigits(digits);
            if (tail.Length == digits.Length)
            {
                return false;
            }
        }

        if (tail.StartsWith(" ssh"u8))
        {
            tail = SkipDigits(tail[4..]);
        }

        var ok = tail.IsEmpty || tail.SequenceEqual(" [preauth]"u8) || (allowInfo && tail.StartsWith(": "u8));
        return ok && IpLiteral.TryParse(host, out address);
    }

    // fail2ban's __suff: "(?: port \d+)?(?: \[preauth\])?\s*"
    private static ReadOnlySpan<byte> StripSuffix(ReadOnlySpan<byte> s)
    {
        s = s.TrimEnd((byte)' ');
        if (s.EndsWith(" [preauth]"u8))
        {
            s = s[..^10].TrimEnd((byte)' ');
        }

        var i = s.Length;
        while (i > 0 && (uint)(s[i - 1] - '0') <= 9)
        {
            i--;
        }

        if (i < s.Length && s[..i].EndsWith(" port "u8))
        {
            s = s[..(i - 6)];
        }

        return s;
    }

    private static bool TryLastToken(ReadOnlySpan<byte> s, out ReadOnlySpan<byte> token, out ReadOnlySpan<byte> before)
    {
        var space = s.LastIndexOf((byte)' ');
        if (space < 0)
        {
            token = s;
            before = default;
            return !s.IsEmpty;
        }

        token = s[(space + 1)..];
        before = s[..space];
        return !token.IsEmpty;
    }

    private static ReadOnlySpan<byte> SkipDigits(ReadOnlySpan<byte> s)
    {
        var i = 0;
        while (i < s.Length && (uint)(s[i] - '0') <= 9)
        {
            i++;
        }

        return s[i..];
    }

    private static int Hash(ReadOnlySpan<byte> user)
    {
        var hash = new HashCode();
        hash.AddBytes(user);
        var h = hash.ToHashCode();
        return h == 0 ? 1 : h;
    }
}
