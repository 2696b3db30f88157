using System.Net;

namespace Watchdog.Agent.Detection;

/// <summary>
/// Address and token helpers of <see cref="SshdLogParser"/>: where in an sshd message the address sshd wrote can be
/// found without trusting the user-name part.
/// </summary>
internal static class SshdText
{
    /// <summary>
    /// Finds "from IP[ port N][ sshN]" followed by the end of the line (or ": info" when allowed), trying the
    /// rightmost occurrence first. Whatever is left of it is the (untrusted) user part.
    /// </summary>
    internal static bool TryRightmostFrom(ReadOnlySpan<byte> text, bool allowInfo, out IPAddress? address, out int userLength)
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
    internal static bool TryHostThenTail(ReadOnlySpan<byte> text, bool allowInfo, out IPAddress? address)
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
    internal static ReadOnlySpan<byte> StripSuffix(ReadOnlySpan<byte> s)
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

    internal static bool TryLastToken(ReadOnlySpan<byte> s, out ReadOnlySpan<byte> token, out ReadOnlySpan<byte> before)
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

    internal static ReadOnlySpan<byte> SkipDigits(ReadOnlySpan<byte> s)
    {
        var i = 0;
        while (i < s.Length && (uint)(s[i] - '0') <= 9)
        {
            i++;
        }

        return s[i..];
    }

    internal static int Hash(ReadOnlySpan<byte> user)
    {
        var hash = new HashCode();
        hash.AddBytes(user);
        var h = hash.ToHashCode();
        return h == 0 ? 1 : h;
    }
}
