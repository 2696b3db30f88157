using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Diagnosis;
using Watchdog.Agent;
using Watchdog.Configuration;
using Watchdog.Agent.Doctor;
using Watchdog.Agent.Probes;
using Watchdog.Agent.Sources;

namespace Watchdog;

/// <summary>
/// <c>watchdog doctor [--json] [--config FILE]</c>: audits this box's Asterisk configuration, firewall, SIP DNS and
/// TLS certificates and prints every finding with its fix. Works without the agent's configuration.
/// </summary>
public static class DoctorCommand
{
    /// <summary>The command's help text.</summary>
    public const string Help = """
        usage: watchdog doctor [--json] [--config FILE]

        Audits this box: pjsip.conf (trunks, NAT, identify), manager.conf (the agent's user, exposure),
        rtp.conf and ufw (SIP, TLS, RTP and SSH open), and — when configured — the SIP DNS records and
        TLS certificates. Prints each finding with its severity, what was found, the symptom and the
        exact fix. It only reads; it changes nothing.

          --json         print the report as JSON instead
          --config FILE  read the Diagnosis section of FILE (default /etc/watchdog/watchdog.json when
                         it exists; built-in defaults otherwise: /etc/asterisk, /usr/sbin/ufw, user watchdog)

        exit code: 0 nothing worse than info, 1 warnings, 2 critical findings, 3 bad configuration.
        """;

    /// <summary>Runs the command against the process's console.</summary>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, Console.Error, CancellationToken.None);

    /// <summary>Runs the command, writing to the given streams.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        string? configPath = null;
        var json = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--json": json = true; break;
                case "--config" when i + 1 < args.Length: configPath = args[++i]; break;
                case "-h" or "--help": output.WriteLine(Help); return 0;
                default: throw new UsageException($"doctor: unexpected argument '{args[i]}'");
            }
        }

        var settings = LoadSettings(configPath);
        var problems = settings.Validate();
        if (problems.Count > 0)
        {
            await error.WriteLineAsync($"watchdog: the Diagnosis configuration has {problems.Count} problem(s):").ConfigureAwait(false);
            foreach (var p in problems) await error.WriteLineAsync($"  - {p}").ConfigureAwait(false);
            return 3;
        }

        var report = await RunChecksAsync(settings, new ProcessRunner(TimeProvider.System, NullLogger<ProcessRunner>.Instance), cancellationToken)
            .ConfigureAwait(false);
        if (json)
        {
            await output.WriteLineAsync(report.ToJson()).ConfigureAwait(false);
        }
        else
        {
            DoctorReportText.Write(report, output);
        }
        return report.ExitCode;
    }

    /// <summary>The Diagnosis section of <paramref name="configPath"/>, or of the default file when it exists, or defaults.</summary>
    private static DiagnosisSettings LoadSettings(string? configPath)
    {
        if (configPath is null && !File.Exists(ConfigLoader.DefaultPath))
        {
            return new DiagnosisSettings();
        }
        var config = ConfigLoader.Load(configPath);
        try
        {
            return config.GetSection("Diagnosis").Get<DiagnosisSettings>(o => o.ErrorOnUnknownConfiguration = false) ?? new DiagnosisSettings();
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigException($"Diagnosis: {e.Message}");
        }
    }

    private static async Task<DoctorReport> RunChecksAsync(DiagnosisSettings settings, IProcessRunner processes, CancellationToken ct)
    {
        var audit = new DoctorAudit(settings.Doctor, processes, new NetworkInterfaceAddressProvider(), NullLogger<DoctorAudit>.Instance);
        var findings = new List<DoctorFinding>((await audit.RunAsync(ct).ConfigureAwait(false)).Findings);
        var metrics = Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry());
        if (settings.DnsEnabled && settings.Dns is { } dns)
        {
            var check = new SipDnsCheck(dns, new SipDnsMetrics(metrics), NullLogger<SipDnsCheck>.Instance);
            findings.AddRange((await check.RunAsync(ct).ConfigureAwait(false)).Select(DoctorFindings.FromDns));
        }
        if (settings.TlsEnabled && settings.Tls is { } tls)
        {
            var check = new TlsCertificateCheck(tls, new TlsCheckMetrics(metrics, tls.Targets.Select(t => t.Name)), TimeProvider.System,
                NullLogger<TlsCertificateCheck>.Instance);
            foreach (var target in tls.Targets)
            {
                findings.Add(DoctorFindings.FromTls(await check.CheckAsync(target, ct).ConfigureAwait(false), target));
            }
        }
        return new DoctorReport(findings);
    }
}
