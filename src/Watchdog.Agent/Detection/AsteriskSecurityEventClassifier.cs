using System.Net;

namespace Watchdog.Agent.Detection;

/// <summary>A security event judged to be a failed authentication.</summary>
/// <param name="Source"><see cref="AttackSource.Ami"/> for Service AMI, else <see cref="AttackSource.Sip"/>.</param>
/// <param name="Address">The remote address.</param>
/// <param name="EventName">InvalidAccountID, ChallengeResponseFailed, FailedACL or InvalidPassword.</param>
public sealed record AsteriskSecurityFailure(AttackSource Source, IPAddress Address, string EventName);

/// <summary>
/// Decides whether an Asterisk security event (as name/value fields — from an AMI event or a security log line)
/// is a failed authentication. Failures: <c>InvalidAccountID</c>, <c>ChallengeResponseFailed</c>, <c>FailedACL</c>,
/// <c>InvalidPassword</c> (PJSIP/SIP, and AMI for logins). <c>ChallengeSent</c> (the normal first step of digest
/// auth) and <c>SuccessfulAuth</c> are not.
/// <para>
/// Field values such as SessionID (a SIP Call-ID) and AccountID are attacker text and, in the log format, may contain
/// <c>",RemoteAddress="…"</c>. They come before the real LocalAddress/RemoteAddress, so the event name and service
/// are taken from their first occurrence and RemoteAddress from its last.
/// </para>
/// </summary>
public static class AsteriskSecurityEventClassifier
{
    /// <summary>Whether events of this name are failures that count towards a ban (the others are never classified).</summary>
    public static bool IsFailureEvent(string name) => name is "InvalidAccountID" or "ChallengeResponseFailed" or "FailedACL" or "InvalidPassword";

    /// <summary>Classifies the fields of one event; null when it is not a failure or has no usable address.</summary>
    public static AsteriskSecurityFailure? Classify(IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        string? name = null, service = null, remote = null;
        foreach (var (key, value) in fields)
        {
            if (name is null && (key.Equals("SecurityEvent", StringComparison.OrdinalIgnoreCase) || key.Equals("Event", StringComparison.OrdinalIgnoreCase)))
            {
                name = value;
            }
            else if (service is null && key.Equals("Service", StringComparison.OrdinalIgnoreCase))
            {
                service = value;
            }
            else if (key.Equals("RemoteAddress", StringComparison.OrdinalIgnoreCase))
            {
                remote = value;
            }
        }

        if (name is null || !IsFailureEvent(name) ||
            remote is null || !TryParseRemoteAddress(remote, out var address))
        {
            return null;
        }

        var source = string.Equals(service, "AMI", StringComparison.OrdinalIgnoreCase) ? AttackSource.Ami : AttackSource.Sip;
        return new AsteriskSecurityFailure(source, address, name);
    }

    /// <summary>
    /// <c>IPV4/UDP/203.0.113.5/5060</c> or <c>IPV6/UDP/2001:db8::1/5060</c> (not bracketed): the text between the
    /// second and the last slash, validated as an IP literal.
    /// </summary>
    public static bool TryParseRemoteAddress(string remote, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        var span = remote.AsSpan();
        if (!(span.StartsWith("IPV4/", StringComparison.OrdinalIgnoreCase) || span.StartsWith("IPV6/", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var second = span[5..].IndexOf('/');
        var last = span.LastIndexOf('/');
        if (second < 0 || last <= 5 + second)
        {
            return false;
        }

        var host = span[(5 + second + 1)..last];
        var port = span[(last + 1)..];
        if (port.IsEmpty || !int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) || p > 65535)
        {
            return false;
        }

        if (host.Length > 2 && host[0] == '[' && host[^1] == ']')
        {
            host = host[1..^1];
        }

        return IpLiteral.TryParse(host, out address);
    }
}
