using System.Globalization;
using Watchdog.Agent.Probes;

namespace Watchdog.Agent.Doctor;

/// <summary>Turns the DNS and TLS check results into doctor findings, each with its fix.</summary>
public static class DoctorFindings
{
    /// <summary>One finding per DNS record set.</summary>
    public static DoctorFinding FromDns(SipDnsResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var label = SipDnsRecordLabel.Of(r.Record);
        var subject = $"DNS {r.Domain} {label}";
        if (r.NotUsed)
        {
            return new DoctorFinding($"dns.{label}", FindingSeverity.Info, subject, $"{r.Detail} (answer: {r.Answer})", "", "");
        }
        if (r.Ok)
        {
            return DoctorFinding.Ok($"dns.{label}", subject, r.Answer);
        }
        var fix = r.Answer.StartsWith("error: ", StringComparison.Ordinal)
            ? "The DNS server asked (Diagnosis:Dns:Server, or /etc/resolv.conf) refused or failed: check it, or ask one that resolves the domain."
            : r.Record is SipDnsRecord.A or SipDnsRecord.Aaaa
                ? $"Publish SRV records (_sip._udp, _sip._tcp, _sips._tcp) of {r.Domain} pointing at this PBX — its A/AAAA may then stay on the web host — or point its {label.ToUpperInvariant()} at this host."
                : $"Publish the {label.ToUpperInvariant().Replace('_', ' ')} record(s) of {r.Domain} pointing at this host's public address and SIP ports at your DNS provider.";
        return new DoctorFinding($"dns.{label}", FindingSeverity.Critical, subject, $"{r.Detail} (answer: {r.Answer})",
            "Peers that look this domain up (RFC 3263) cannot reach this PBX, or reach another host.", fix);
    }

    /// <summary>One finding per TLS target.</summary>
    public static DoctorFinding FromTls(TlsCheckResult r, TlsTarget target)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(target);
        var subject = $"TLS {target.Name} ({target.Host}:{target.Port})";
        var expiry = r.DaysToExpiry is { } d ? string.Create(CultureInfo.InvariantCulture, $"; expires in {d} days ({r.NotAfter:yyyy-MM-dd})") : "";
        if (r.Ok)
        {
            return DoctorFinding.Ok("tls.certificate", subject, $"valid{expiry}");
        }
        var onlySoon = r.Problems.All(p => p == TlsProblem.ExpiresSoon);
        var fix = r.Problems.Contains(TlsProblem.ConnectFailed) || r.Problems.Contains(TlsProblem.HandshakeFailed)
            ? $"Check that {target.Host}:{target.Port} accepts TLS from this host (firewall, transport-tls in pjsip.conf)."
            : $"Renew the certificate of {target.ExpectedName} (or its chain) and reload the service that presents it.";
        return new DoctorFinding("tls.certificate", onlySoon ? FindingSeverity.Warning : FindingSeverity.Critical, subject,
            $"{string.Join(", ", r.Problems)}: {r.Detail}{expiry}",
            "Calls over SIP TLS to the voice-AI service fail once the handshake is refused.", fix);
    }
}
