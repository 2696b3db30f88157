using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Watchdog.Agent.Detection;

/// <summary>
/// Strict IP literal parsing for text an attacker may have shaped. Only dotted-quad decimal IPv4 (no leading
/// zeros, no shorthand like <c>1.2.3</c> or octal <c>192.030.0.6</c> that <see cref="IPAddress.TryParse(string, out IPAddress)"/>
/// would quietly reinterpret) and plain IPv6 (no zone id). IPv4-mapped IPv6 comes back as IPv4.
/// </summary>
public static class IpLiteral
{
    /// <summary>Longest textual IPv6 address (with an embedded IPv4 tail).</summary>
    public const int MaxLength = 45;

    /// <summary>Parses UTF-8/ASCII bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text.Length is < 2 or > MaxLength)
        {
            return false;
        }

        if (text.IndexOf((byte)':') < 0)
        {
            return TryParseIPv4(text, out address);
        }

        Span<char> chars = stackalloc char[MaxLength];
        for (var i = 0; i < text.Length; i++)
        {
            chars[i] = (char)text[i];
        }

        return TryParseIPv6(chars[..text.Length], out address);
    }

    /// <summary>Parses UTF-16 text.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text.Length is < 2 or > MaxLength)
        {
            return false;
        }

        if (text.IndexOf(':') >= 0)
        {
            return TryParseIPv6(text, out address);
        }

        Span<byte> bytes = stackalloc byte[MaxLength];
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > 0x7f)
            {
                return false;
            }

            bytes[i] = (byte)text[i];
        }

        return TryParseIPv4(bytes[..text.Length], out address);
    }

    /// <summary>IPv4-mapped IPv6 as IPv4; everything else unchanged.</summary>
    public static IPAddress Normalize(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static bool TryParseIPv4(ReadOnlySpan<byte> text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        uint value = 0;
        var part = 0;
        var digits = 0;
        var octet = 0;
        var leadingZero = false;
        foreach (var b in text)
        {
            if (b == (byte)'.')
            {
                if (digits == 0 || part == 3)
                {
                    return false;
                }

                value = (value << 8) | (uint)octet;
                part++;
                digits = 0;
                octet = 0;
                continue;
            }

            var d = b - (byte)'0';
            if ((uint)d > 9 || digits == 3 || (digits == 1 && leadingZero))
            {
                return false;
            }

            leadingZero = digits == 0 && d == 0;
            octet = (octet * 10) + d;
            digits++;
            if (octet > 255)
            {
                return false;
            }
        }

        if (part != 3 || digits == 0)
        {
            return false;
        }

        value = (value << 8) | (uint)octet;
        address = new IPAddress(new[] { (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value });
        return true;
    }

    private static bool TryParseIPv6(ReadOnlySpan<char> text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c) && c is not ':' and not '.')
            {
                return false;
            }
        }

        if (!IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        address = Normalize(parsed);
        return true;
    }
}
