namespace Watchdog.Agent.Doctor;

/// <summary>Settings of <see cref="DoctorAudit"/>.</summary>
public sealed record DoctorOptions
{
    /// <summary>Directory holding pjsip.conf, manager.conf and rtp.conf.</summary>
    public string ConfigDirectory { get; set; } = "/etc/asterisk";

    /// <summary>Path of the ufw executable; <c>ufw status verbose</c> is run through <see cref="Actuators.IProcessRunner"/>.</summary>
    public string UfwPath { get; set; } = "/usr/sbin/ufw";

    /// <summary>How long <c>ufw status</c> may take.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The manager.conf user the agent logs in as.</summary>
    public string ManagerUser { get; set; } = "watchdog";

    /// <summary>
    /// Endpoints to audit as trunks in addition to those found automatically (referenced by a registration or an identify).
    /// </summary>
    public IReadOnlyList<string> TrunkEndpoints { get; set; } = [];

    /// <summary>Seconds suggested for <c>rtp_timeout</c> in fixes.</summary>
    public int SuggestedRtpTimeoutSeconds { get; set; } = 30;

    /// <summary>SSH port that must stay open in the firewall.</summary>
    public int SshPort { get; set; } = 22;

    /// <summary>SIP port for the trunk provider (udp and tcp).</summary>
    public int SipPort { get; set; } = 5060;

    /// <summary>SIP over TLS port for the voice-AI service (tcp).</summary>
    public int SipTlsPort { get; set; } = 5061;

    /// <summary>Whether the ufw checks run at all (off on hosts without ufw).</summary>
    public bool CheckFirewall { get; set; } = true;

    /// <summary>Every problem with these settings (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ConfigDirectory) || !Path.IsPathFullyQualified(ConfigDirectory))
        {
            problems.Add($"{nameof(ConfigDirectory)} must be an absolute path (was '{ConfigDirectory}').");
        }

        if (CheckFirewall && (string.IsNullOrWhiteSpace(UfwPath) || !Path.IsPathFullyQualified(UfwPath)))
        {
            problems.Add($"{nameof(UfwPath)} must be an absolute path (was '{UfwPath}').");
        }

        if (CommandTimeout <= TimeSpan.Zero || CommandTimeout > TimeSpan.FromMinutes(5))
        {
            problems.Add($"{nameof(CommandTimeout)} must be between 0 and 5 minutes (was {CommandTimeout}).");
        }

        if (string.IsNullOrWhiteSpace(ManagerUser) || ManagerUser.Any(c => c is '[' or ']' or ';' || char.IsWhiteSpace(c)))
        {
            problems.Add($"{nameof(ManagerUser)} must be a manager.conf section name (was '{ManagerUser}').");
        }

        if (TrunkEndpoints.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add($"{nameof(TrunkEndpoints)} must not contain empty names.");
        }

        if (SuggestedRtpTimeoutSeconds is < 1 or > 3600)
        {
            problems.Add($"{nameof(SuggestedRtpTimeoutSeconds)} must be 1..3600 (was {SuggestedRtpTimeoutSeconds}).");
        }

        foreach (var (name, port) in new[] { (nameof(SshPort), SshPort), (nameof(SipPort), SipPort), (nameof(SipTlsPort), SipTlsPort) })
        {
            if (port is < 1 or > 65535)
            {
                problems.Add($"{name} must be 1..65535 (was {port}).");
            }
        }

        return problems;
    }
}
