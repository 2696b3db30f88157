using static Watchdog.Agent.Detection.SshdText;

namespace Watchdog.Agent.Detection;

// Connection opened/closed, disconnects (by user, Auth fail, too many failures, change of user).
public static partial class SshdLogParser
{
    private static bool ReceivedDisconnect(ReadOnlySpan<byte> m, int pid, out SshdRecord record)
    {
        record = default;
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
            // Without " [preauth]" the client left a logged-in session ("11: disconnected by user").
            var afterLogin = !after.EndsWith(" [preauth]"u8);
            record = new SshdRecord(SshdVerdict.NoFailure, address, pid, 0, Forget: true, AfterLogin: afterLogin);
            return true;
        }

        if (after.StartsWith("3: "u8) && StripSuffix(after).EndsWith(": Auth fail"u8))
        {
            record = new SshdRecord(SshdVerdict.Failure, address, pid, 0, Forget: true);
            return true;
        }

        return false;
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
            // "Disconnected from user U IP port N" ends a logged-in session; before login sshd says
            // "authenticating user" or "invalid user" and adds " [preauth]".
            var rest = m[18..];
            var afterLogin = rest.StartsWith("user "u8) && !rest.TrimEnd((byte)' ').EndsWith(" [preauth]"u8);
            return ClosedOrDisconnected(rest, pid, out record, afterLogin);
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

        if (m.StartsWith("Connection reset by "u8))
        {
            return ClosedOrDisconnected(m[20..], pid, out record);
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
    private static bool ClosedOrDisconnected(ReadOnlySpan<byte> rest, int pid, out SshdRecord record, bool afterLogin = false)
    {
        record = default;
        if (!TryLastToken(StripSuffix(rest), out var host, out _) || !IpLiteral.TryParse(host, out var address))
        {
            return false;
        }

        record = new SshdRecord(SshdVerdict.NoFailure, address, pid, 0, Forget: true, AfterLogin: afterLogin);
        return true;
    }
}
