using static Watchdog.Agent.Detection.SshdText;

namespace Watchdog.Agent.Detection;

// Refusals by policy: AllowUsers/DenyUsers/groups, locked accounts, unknown users, ROOT LOGIN REFUSED, tcpwrappers.
public static partial class SshdLogParser
{
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
            // sshd checks the account when the user name first arrives: nothing of this connection comes before it.
            record = new SshdRecord(SshdVerdict.Failure, null, pid, Hash(who), Opens: true);
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

    private static bool RootLoginRefused(ReadOnlySpan<byte> m, int pid, out SshdRecord record)
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
}
