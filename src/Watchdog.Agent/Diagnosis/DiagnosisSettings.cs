using System.Net;
using Watchdog.Agent.Doctor;
using Watchdog.Agent.Probes;

namespace Watchdog.Agent.Diagnosis;

/// <summary>
/// The <c>Diagnosis</c> section: the doctor's audit settings and the periodic checks the agent runs.
/// Every periodic check is off until its part is configured.
/// </summary>
public sealed record DiagnosisSettings
{
    /// <summary>Where the Asterisk configuration and ufw are, and what the doctor expects.</summary>
    public DoctorOptions Doctor { get; set; } = new();

    /// <summary>SIP DNS records to check; null or no domains means off.</summary>
    public SipDnsOptions? Dns { get; set; }

    /// <summary>How often the DNS check runs in the agent.</summary>
    public TimeSpan DnsInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>TLS endpoints to check; null or no targets means off.</summary>
    public TlsCheckOptions? Tls { get; set; }

    /// <summary>How often the TLS check runs in the agent.</summary>
    public TimeSpan TlsInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Asterisk process health (memory growth, descriptors); null means off.</summary>
    public ProcessHealthOptions? Process { get; set; }

    /// <summary>How often the process is probed.</summary>
    public TimeSpan ProcessInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Trunk diagnoses read from Asterisk's messages log.</summary>
    public TrunkDiagnosisOptions Trunks { get; set; } = new();

    /// <summary>SIP traces captured when a trunk fails.</summary>
    public EvidenceOptions Evidence { get; set; } = new();

    /// <summary>True when the DNS check has something to check.</summary>
    public bool DnsEnabled => Dns is { Domains.Count: > 0 };

    /// <summary>True when the TLS check has something to check.</summary>
    public bool TlsEnabled => Tls is { Targets.Count: > 0 };

    /// <summary>Every problem, each naming its key under <c>Diagnosis.</c>.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        problems.AddRange(Doctor.Validate().Select(p => "Diagnosis.Doctor." + p));
        if (Dns is not null) problems.AddRange(Dns.Validate().Select(p => "Diagnosis.Dns." + p));
        if (Tls is not null) problems.AddRange(Tls.Validate().Select(p => "Diagnosis.Tls." + p));
        if (Process is not null) problems.AddRange(Process.Validate().Select(p => "Diagnosis.Process." + p));
        foreach (var (name, value) in new[] { (nameof(DnsInterval), DnsInterval), (nameof(TlsInterval), TlsInterval), (nameof(ProcessInterval), ProcessInterval) })
        {
            if (value < TimeSpan.FromSeconds(1) || value > TimeSpan.FromDays(1))
            {
                problems.Add($"Diagnosis.{name} must be between 1 second and 1 day (was {value}).");
            }
        }
        problems.AddRange(Trunks.Validate().Select(p => "Diagnosis.Trunks." + p));
        problems.AddRange(Evidence.Validate().Select(p => "Diagnosis.Evidence." + p));
        return problems;
    }
}

/// <summary>One provider's address ranges and the trunk endpoint its requests must match.</summary>
/// <param name="Endpoint">The trunk's pjsip endpoint, e.g. <c>mango-trunk</c>.</param>
/// <param name="Ranges">CIDR ranges the provider sends from, e.g. <c>81.88.86.0/24</c>.</param>
public sealed record ProviderRanges(string Endpoint, IReadOnlyList<string> Ranges);

/// <summary>Settings of the trunk diagnoses (unmatched provider requests, no-audio set-ups).</summary>
public sealed record TrunkDiagnosisOptions
{
    /// <summary>Providers and their address ranges.</summary>
    public IReadOnlyList<ProviderRanges> Providers { get; set; } = [];

    /// <summary>At most one unmatched-request alert per source address within this time.</summary>
    public TimeSpan UnmatchedAlertInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often an RTP timeout may trigger a no-audio review of the configuration and firewall.</summary>
    public TimeSpan NoAudioCheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Every problem (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var p in Providers)
        {
            if (string.IsNullOrWhiteSpace(p.Endpoint)) problems.Add("Providers: every provider needs an Endpoint.");
            foreach (var range in p.Ranges ?? [])
            {
                if (!IPNetwork.TryParse(range, out _)) problems.Add($"Providers[{p.Endpoint}].Ranges: '{range}' is not a CIDR range.");
            }
        }
        if (UnmatchedAlertInterval < TimeSpan.FromSeconds(1)) problems.Add($"{nameof(UnmatchedAlertInterval)} must be at least 1 second.");
        if (NoAudioCheckInterval < TimeSpan.FromSeconds(1)) problems.Add($"{nameof(NoAudioCheckInterval)} must be at least 1 second.");
        return problems;
    }
}

/// <summary>Settings of the SIP evidence captured when a trunk fails.</summary>
public sealed record EvidenceOptions
{
    /// <summary>Whether failures switch the pjsip logger on at all (it needs Healing.AsteriskLogPath).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long the pjsip logger stays on.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>At most one capture per trunk within this time.</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Lines kept in an excerpt.</summary>
    public int MaxLines { get; set; } = 40;

    /// <summary>Characters kept in an excerpt.</summary>
    public int MaxChars { get; set; } = 4096;

    /// <summary>Every problem (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Duration < TimeSpan.FromSeconds(1) || Duration > TimeSpan.FromMinutes(5)) problems.Add($"{nameof(Duration)} must be 1 second..5 minutes (was {Duration}).");
        if (MinInterval < Duration) problems.Add($"{nameof(MinInterval)} must be at least {nameof(Duration)} (was {MinInterval}).");
        if (MaxLines is < 1 or > 1000) problems.Add($"{nameof(MaxLines)} must be 1..1000 (was {MaxLines}).");
        if (MaxChars is < 256 or > 65536) problems.Add($"{nameof(MaxChars)} must be 256..65536 (was {MaxChars}).");
        return problems;
    }
}
