using System.Text;

namespace Watchdog.Ami.Protocol;

/// <summary>
/// Header names whose values are credentials. Their values are wiped from received messages as they
/// are parsed and masked whenever an action is printed, so no log line or API can carry them.
/// </summary>
public static class SensitiveHeaders
{
    /// <summary>What a redacted value reads as.</summary>
    public const string Mask = "***";

    private static readonly string[] Names =
        ["Secret", "Key", "Password", "Md5Cred", "PasswordDigest", "OauthSecret", "RefreshToken"];

    /// <summary>Whether a header with this name carries a credential.</summary>
    public static bool IsSensitive(ReadOnlySpan<byte> name)
    {
        // First letter, then length: almost every header on the hot path is rejected without a compare.
        if (name.IsEmpty || (name[0] | 0x20) is not ((byte)'k' or (byte)'s' or (byte)'p' or (byte)'m' or (byte)'o' or (byte)'r'))
        {
            return false;
        }
        switch (name.Length)
        {
            case 3: return Ascii.EqualsIgnoreCase(name, "Key"u8);
            case 6: return Ascii.EqualsIgnoreCase(name, "Secret"u8);
            case 7: return Ascii.EqualsIgnoreCase(name, "Md5Cred"u8);
            case 8: return Ascii.EqualsIgnoreCase(name, "Password"u8);
            case 11: return Ascii.EqualsIgnoreCase(name, "OauthSecret"u8);
            case 12: return Ascii.EqualsIgnoreCase(name, "RefreshToken"u8);
            case 14: return Ascii.EqualsIgnoreCase(name, "PasswordDigest"u8);
            default: return false;
        }
    }

    /// <summary>Whether a header with this name carries a credential.</summary>
    public static bool IsSensitive(string name)
    {
        foreach (var n in Names)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }
}
