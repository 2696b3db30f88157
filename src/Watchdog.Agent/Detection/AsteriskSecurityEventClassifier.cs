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
/// Field values such as SessionID (a SIP Call-ID), AccountID, the digest Response and AMI's ReceivedChallenge/ReceivedHash
/// are the peer's text and, in the log format, may contain <c>",RemoteAddress="…"</c>. AccountID and SessionID come
/// before the real LocalAddress/RemoteAddress, so the event name and service are taken from their first occurrence and
/// RemoteAddress from its last occurrence before the first peer-written trailing field (Response, ReceivedChallenge,
/// ReceivedHash, RequestType, RequestParams). A RemoteAddress after such a field can only be forged: when it names
/// another address than the real one (or two forged ones disagree) the event is evidence against nobody — a missed
/// failure of the forger rather than a ban of whoever the forger named.
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
        IPAddress? trailingRemote = null;
        var peerTextSeen = false;
        var forged = false;
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
            else if (IsPeerTextAfterAddress(key))
            {
                peerTextSeen = true;
            }
            else if (key.Equals("RemoteAddress", StringComparison.OrdinalIgnoreCase))
            {
                if (!peerTextSeen)
                {
                    remote = value;
                }
                else if (TryParseRemoteAddress(value, out var after))
                {
                    // Only the peer's own text can put a second address here; two different ones cannot be told apart.
                    forged |= trailingRemote is not null && !trailingRemote.Equals(after);
                    trailingRemote ??= after;
                }
            }
        }

        if (name is null || !IsFailureEvent(name) || forged)
        {
            return null;
        }

        IPAddress? address;
        if (remote is not null)
        {
            if (!TryParseRemoteAddress(remote, out address) || (trailingRemote is not null && !trailingRemote.Equals(address)))
            {
                return null;
            }
        }
        else
        {
            address = trailingRemote;
        }

        if (address is null)
        {
            return null;
        }

        var source = string.Equals(service, "AMI", StringComparison.OrdinalIgnoreCase) ? AttackSource.Ami : AttackSource.Sip;
        return new AsteriskSecurityFailure(source, address, name);
    }

    // Fields Asterisk writes after RemoteAddress whose value is the peer's text (digest response, AMI challenge
    // answer, request text). The real RemoteAddress always comes before them; one after them is forged.
    private static bool IsPeerTextAfterAddress(string key) =>
        key.Equals("Response", StringComparison.OrdinalIgnoreCase) ||
        key.Equals("ReceivedChallenge", StringComparison.OrdinalIgnoreCase) ||
        key.Equals("ReceivedHash", StringComparison.OrdinalIgnoreCase) ||
        key.Equals("RequestType", StringComparison.OrdinalIgnoreCase) ||
        key.Equals("RequestParams", StringComparison.OrdinalIgnoreCase);

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
