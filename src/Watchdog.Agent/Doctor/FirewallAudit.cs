namespace Watchdog.Agent.Doctor;

/// <summary>Checks <c>ufw status verbose</c>: active, SSH open, SIP and SIP-TLS open, the RTP range open for udp.</summary>
public static class FirewallAudit
{
    /// <summary>Findings for a parsed ufw status.</summary>
    public static IReadOnlyList<DoctorFinding> Audit(UfwStatus status, RtpPortRange rtp, DoctorOptions options)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(options);
        const string Subject = "ufw";
        var findings = new List<DoctorFinding>();
        if (!status.Active)
        {
            findings.Add(new DoctorFinding("firewall.active", FindingSeverity.Critical, Subject, "Status: inactive",
                "Every port is open to SIP scanners and brute force; the watchdog's bans have no effect.",
                $"Run: ufw allow {options.SshPort}/tcp && ufw enable"));
            return findings;
        }

        findings.Add(DoctorFinding.Ok("firewall.active", Subject, "Status: active"));

        var ssh = status.Allows(options.SshPort, FirewallProtocol.Tcp) || status.AllowsProfile("OpenSSH");
        findings.Add(ssh
            ? DoctorFinding.Ok("firewall.ssh", Subject, $"{options.SshPort}/tcp allowed")
            : new DoctorFinding("firewall.ssh", FindingSeverity.Critical, Subject, $"no allow rule for {options.SshPort}/tcp or OpenSSH",
                "The next SSH login is refused: remote administration is locked out.", $"Run: ufw allow {options.SshPort}/tcp"));

        Port(status, options.SipPort, FirewallProtocol.Udp, "firewall.sip_udp",
            "The provider's SIP over UDP (INVITEs, OPTIONS) is dropped: incoming calls fail.", findings);
        Port(status, options.SipPort, FirewallProtocol.Tcp, "firewall.sip_tcp",
            "SIP over TCP (large INVITEs, providers preferring TCP) is dropped: some calls fail.", findings);
        Port(status, options.SipTlsPort, FirewallProtocol.Tcp, "firewall.sip_tls",
            "The voice-AI service cannot reach SIP over TLS: its calls to the PBX fail.", findings);

        var gaps = status.Uncovered(rtp.Start, rtp.End, FirewallProtocol.Udp);
        findings.Add(gaps.Count == 0
            ? DoctorFinding.Ok("firewall.rtp", Subject, $"{rtp}/udp allowed")
            : new DoctorFinding("firewall.rtp", FindingSeverity.Critical, Subject,
                $"RTP range {rtp}/udp not fully allowed; missing {string.Join(", ", gaps.Select(g => g.From == g.To ? $"{g.From}" : $"{g.From}:{g.To}"))}",
                "Media on the missing ports is dropped: one-way or no audio, calls cut by rtp_timeout.",
                $"Run: ufw allow {rtp}/udp"));
        return findings;
    }

    private static void Port(UfwStatus status, int port, FirewallProtocol protocol, string id, string symptom, List<DoctorFinding> findings)
    {
        var name = $"{port}/{protocol.ToString().ToLowerInvariant()}";
        findings.Add(status.Allows(port, protocol)
            ? DoctorFinding.Ok(id, "ufw", $"{name} allowed")
            : new DoctorFinding(id, FindingSeverity.Critical, "ufw", $"no allow rule for {name}", symptom, $"Run: ufw allow {name}"));
    }
}
