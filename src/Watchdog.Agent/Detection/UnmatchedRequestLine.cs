using System.Net;
using System.Text.RegularExpressions;

namespace Watchdog.Agent.Detection;

/// <summary>A request Asterisk rejected because no endpoint matched it, with the address it really came from.</summary>
/// <param name="Method">The SIP method when logged (REGISTER, INVITE, …), else empty.</param>
/// <param name="Address">Source address, from Asterisk's <c>failed for 'IP:port'</c>.</param>
/// <param name="Port">Source port, when logged.</param>
public sealed record UnmatchedRequest(string Method, IPAddress Address, int? Port);

/// <summary>
/// Reads pjsip_distributor's <c>Request 'M' from '…' failed for 'IP:port' (callid: …) - No matching endpoint found</c>.
/// Anchored at the message start like <see cref="Detection.AsteriskLogLine"/>; the From and Call-ID parts are the
/// peer's, so the address is taken only from <c>failed for '…'</c>, and a line in which that text appears more
/// than once (a forged From or Call-ID) is refused as ambiguous.
/// </summary>
public static partial class UnmatchedRequestLine
{
    private const string FailedFor = "' failed for '";

    /// <summary>Parses one log line; null when it is not an unambiguous "No matching endpoint found".</summary>
    public static UnmatchedRequest? Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Length is 0 or > 4096 || line[0] != '[')
        {
            return null;
        }
        var header = Header().Match(line);
        if (!header.Success)
        {
            return null;
        }
        var message = line.AsSpan(header.Length);
        var first = message.IndexOf(FailedFor, StringComparison.Ordinal);
        if (first < 0 || message.LastIndexOf(FailedFor, StringComparison.Ordinal) != first)
        {
            return null;
        }
        var m = Message().Match(message.ToString());
        if (!m.Success)
        {
            return null;
        }
        if (!IPEndPoint.TryParse(m.Groups["src"].Value, out var source))
        {
            return null;
        }
        var address = source.Address.IsIPv4MappedToIPv6 ? source.Address.MapToIPv4() : source.Address;
        return new UnmatchedRequest(m.Groups["method"].Value, address, source.Port == 0 ? null : source.Port);
    }

    // [2026-11-26 08:02:18.361] NOTICE[11987] res_pjsip/pjsip_distributor.c: Request …
    [GeneratedRegex(@"^\[[^\]]{1,40}\]\s+NOTICE\[\d+\](?:\[[^\]]{0,40}\])?:?\s+res_pjsip/pjsip_distributor\.c(?::\d+\s+\w+)?:\s", RegexOptions.CultureInvariant)]
    private static partial Regex Header();

    [GeneratedRegex(@"^Request (?:'(?<method>[A-Z]{1,20})' )?from '.*' failed for '(?<src>[0-9A-Fa-f.:\[\]]{2,60})' \(callid: .*\) - No matching endpoint found\s*$",
        RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex Message();
}
