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
    internal static System.CommandLine.Command Create(Cli.CliContext context)
    {
        var json = Cli.CommonOptions.Json("print the report as JSON instead");
        var config = Cli.CommonOptions.Config("read the Diagnosis section of FILE (default /etc/watchdog/watchdog.json when it exists; built-in defaults otherwise: /etc/asterisk, /usr/sbin/ufw, user watchdog)");
        var command = new Cli.CliCommand("doctor", """
            Audits this box: pjsip.conf (trunks, NAT, identify, registration retries), manager.conf (the agent's
            user, other users, exposure), logger.conf (the log files and levels the agent reads), rtp.conf and
            ufw (SIP, TLS, RTP and SSH open), #include targets, and — when configured — the SIP DNS records and
            TLS certificates. Prints each finding with its severity, what was found, the symptom and the
            exact fix. It only reads; it changes nothing.
            """)
        {
            Summary = "audit this box's Asterisk, firewall, DNS and TLS set-up",
            Options = { json, config },
            Epilog = "exit codes: 0 nothing worse than info; 1 warnings; 2 critical findings; 64 the command line is wrong; 78 bad configuration.",
        };
        command.SetAction((parse, ct) => RunChecksAsync(parse.GetValue(config), parse.GetValue(json), context, ct));
        return command;
    }

    /// <summary>Runs the command against the process's console.</summary>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, Console.Error, CancellationToken.None);

    /// <summary>Runs the command (the arguments after <c>doctor</c>), writing to the given streams.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        Program.RunAsync(["doctor", .. args], output, error, ct: cancellationToken);

    private static async Task<int> RunChecksAsync(string? configPath, bool json, Cli.CliContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var error = context.Error;
        AgentSettings agent;
        try
        {
            agent = LoadSettings(configPath);
        }
        catch (ConfigException e)
        {
            context.Fail(e.Message);
            return Cli.ExitCodes.BadConfig;
        }
        var settings = agent.Diagnosis;
        var problems = settings.Validate();
        if (problems.Count > 0)
        {
            await error.WriteLineAsync($"watchdog: the Diagnosis configuration has {problems.Count} problem(s):").ConfigureAwait(false);
            foreach (var p in problems) await error.WriteLineAsync($"  - {p}").ConfigureAwait(false);
            return Cli.ExitCodes.BadConfig;
        }

        // The logs the agent would really read (messages.log found as at start-up): logger.conf is held against them,
        // Security's only when the agent reads it.
        var detected = InputCheck.Run(agent).Settings;
        var logs = new DoctorLogInputs(detected.Healing.AsteriskLogPath, detected.Security.Enabled ? detected.Security.AsteriskSecurityLogPath : null);
        var report = await RunChecksAsync(settings, logs, new ProcessRunner(TimeProvider.System, NullLogger<ProcessRunner>.Instance), cancellationToken)
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

    /// <summary>The settings of <paramref name="configPath"/>, or of the default file when it exists, or defaults.</summary>
    private static AgentSettings LoadSettings(string? configPath)
    {
        if (configPath is null && !File.Exists(ConfigLoader.DefaultPath))
        {
            return new AgentSettings();
        }
        var loaded = ConfigCheck.Load(configPath);
        // The doctor needs only its own section: a problem elsewhere is check-config's to report.
        var mine = loaded.Fatal ? loaded.Problems : loaded.Problems.Where(p => p.StartsWith("Diagnosis", StringComparison.Ordinal)).ToList();
        if (mine.Count > 0) throw new ConfigException(string.Join("; ", mine));
        return loaded.Settings!;
    }

    private static async Task<DoctorReport> RunChecksAsync(DiagnosisSettings settings, DoctorLogInputs logs, IProcessRunner processes, CancellationToken ct)
    {
        var audit = new DoctorAudit(settings.Doctor, processes, new NetworkInterfaceAddressProvider(), NullLogger<DoctorAudit>.Instance, settings.Trunks.Providers, logs);
        var findings = new List<DoctorFinding>((await audit.RunAsync(ct).ConfigureAwait(false)).Findings);
        var metrics = Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry());
        // The example config's placeholders (RFC 2606 names such as voice-ai.example.com) are "not configured", not a failure.
        if (settings.Dns is { } configuredDns)
        {
            foreach (var d in configuredDns.Domains.Where(d => Placeholder(d.Name)))
                findings.Add(NotConfigured("dns", $"DNS {d.Name}", d.Name, "Diagnosis:Dns:Domains"));
        }
        if (settings.Tls is { } configuredTls)
        {
            foreach (var t in configuredTls.Targets.Where(t => Placeholder(t.Host)))
                findings.Add(NotConfigured("tls", $"TLS {t.Name}", $"{t.Host}:{t.Port}", "Diagnosis:Tls:Targets"));
        }
        if (settings.DnsEnabled && settings.Dns is { Domains.Count: > 0 } allDns
            && allDns with { Domains = allDns.Domains.Where(d => !Placeholder(d.Name)).ToList() } is { Domains.Count: > 0 } dns)
        {
            var check = new SipDnsCheck(dns, new SipDnsMetrics(metrics), NullLogger<SipDnsCheck>.Instance);
            findings.AddRange((await check.RunAsync(ct).ConfigureAwait(false)).Select(DoctorFindings.FromDns));
        }
        if (settings.TlsEnabled && settings.Tls is { Targets.Count: > 0 } allTls
            && allTls with { Targets = allTls.Targets.Where(t => !Placeholder(t.Host)).ToList() } is { Targets.Count: > 0 } tls)
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

    /// <summary>A name reserved for examples (RFC 2606 / 6761): nobody's real server.</summary>
    internal static bool Placeholder(string host)
    {
        var h = host.Trim().TrimEnd('.').ToLowerInvariant();
        return h is "example.com" or "example.net" or "example.org" or "example" or "invalid" or "test"
            || h.EndsWith(".example.com", StringComparison.Ordinal) || h.EndsWith(".example.net", StringComparison.Ordinal)
            || h.EndsWith(".example.org", StringComparison.Ordinal) || h.EndsWith(".example", StringComparison.Ordinal)
            || h.EndsWith(".invalid", StringComparison.Ordinal) || h.EndsWith(".test", StringComparison.Ordinal);
    }

    private static DoctorFinding NotConfigured(string kind, string subject, string found, string key) =>
        new($"{kind}.not_configured", FindingSeverity.Info, subject, $"{found} is a placeholder (a name reserved for examples)",
            $"not configured: this {kind.ToUpperInvariant()} check is skipped", $"put your real server in {key}, or remove the entry");
}
