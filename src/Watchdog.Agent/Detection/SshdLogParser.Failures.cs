using System.Net;
using static Watchdog.Agent.Detection.SshdText;

namespace Watchdog.Agent.Detection;

// Failures that name their address: Failed <method>, Invalid user, maximum authentication attempts exceeded.
public static partial class SshdLogParser
{
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
}
