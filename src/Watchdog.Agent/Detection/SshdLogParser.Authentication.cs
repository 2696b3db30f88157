using static Watchdog.Agent.Detection.SshdText;

namespace Watchdog.Agent.Detection;

// Accepted logins, PAM "authentication failure for" lines and pam_unix auth failures.
public static partial class SshdLogParser
{
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

            record = new SshdRecord(SshdVerdict.NoFailure, address, pid, Hash(rest[..userEnd]), Forget: true, Gained: true, AfterLogin: true);
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
}
