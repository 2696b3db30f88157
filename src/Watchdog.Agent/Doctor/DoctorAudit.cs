using Microsoft.Extensions.Logging;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Sources;
using Watchdog.Agent.Diagnosis;

namespace Watchdog.Agent.Doctor;

/// <summary>
/// The configuration doctor: reads pjsip.conf, manager.conf and rtp.conf from <see cref="DoctorOptions.ConfigDirectory"/>,
/// asks ufw for its status through <see cref="IProcessRunner"/>, and returns every finding with its fix.
/// It only reads; it never changes the configuration or the firewall. With <paramref name="providers"/>
/// (<c>Diagnosis:Trunks:Providers</c>) it also holds the trunks' identify ranges against them; with
/// <paramref name="logs"/> (the log files the agent reads) it holds logger.conf against them.
/// </summary>
public sealed class DoctorAudit(DoctorOptions options, IProcessRunner processes, IHostAddressProvider hostAddresses, ILogger<DoctorAudit> logger,
    IReadOnlyList<ProviderRanges>? providers = null, DoctorLogInputs? logs = null)
{
    /// <summary>Runs every check.</summary>
    public async Task<DoctorReport> RunAsync(CancellationToken cancellationToken)
    {
        var findings = new List<DoctorFinding>();
        var directory = options.ConfigDirectory;
        var pjsip = await AsteriskConfig.LoadAsync(directory, "pjsip.conf", cancellationToken).ConfigureAwait(false);
        var manager = await AsteriskConfig.LoadAsync(directory, "manager.conf", cancellationToken).ConfigureAwait(false);
        var rtp = await AsteriskConfig.LoadAsync(directory, "rtp.conf", cancellationToken).ConfigureAwait(false);

        findings.AddRange(Includes(pjsip, manager, rtp));
        findings.AddRange(PjsipAudit.Audit(pjsip, hostAddresses.GetAddresses(), options));
        findings.AddRange(RegistrationAudit.Audit(pjsip));
        findings.AddRange(ProviderRangeAudit.Audit(pjsip, providers ?? []));
        findings.AddRange(ManagerAudit.Audit(manager, options.ManagerUser));
        if (logs is not null)
        {
            var loggerConf = await AsteriskConfig.LoadAsync(directory, "logger.conf", cancellationToken).ConfigureAwait(false);
            var asteriskConf = await AsteriskConfig.LoadAsync(directory, "asterisk.conf", cancellationToken).ConfigureAwait(false);
            findings.AddRange(Includes(loggerConf));
            findings.AddRange(LoggerAudit.Audit(loggerConf, asteriskConf, logs));
        }

        var (rtpFindings, range) = RtpAudit.Audit(rtp);
        findings.AddRange(rtpFindings);

        if (options.CheckFirewall)
        {
            findings.AddRange(await FirewallAsync(range, cancellationToken).ConfigureAwait(false));
        }

        var report = new DoctorReport(findings);
        LogMessages.DoctorFinished(logger, findings.Count, report.Worst, report.ExitCode);
        return report;
    }

    // An #include whose target is missing makes Asterisk refuse the whole file; a #tryinclude is only worth knowing.
    private static IEnumerable<DoctorFinding> Includes(params AsteriskConfig?[] configs) =>
        configs.Where(c => c is not null).SelectMany(c => c!.MissingIncludes).Select(m => new DoctorFinding(
            "config.include.missing", m.Optional ? FindingSeverity.Info : FindingSeverity.Critical, $"{m.File} line {m.Line}",
            $"#{(m.Optional ? "tryinclude" : "include")} {m.Target} matches no file",
            m.Optional ? "Nothing is read from it; the rest of the file loads." : $"Asterisk refuses to load {m.File} at all (\"listed as a #include but it does not exist\"): the module runs without it.",
            $"Create {m.Target} or delete line {m.Line} of {m.File}{(m.Optional ? "" : $" (or make it #tryinclude {m.Target})")}") { File = m.File, Line = m.Line });

    private async Task<IReadOnlyList<DoctorFinding>> FirewallAsync(RtpPortRange range, CancellationToken cancellationToken)
    {
        var result = await processes.RunAsync(new ProcessSpec(options.UfwPath, ["status", "verbose"], options.CommandTimeout), cancellationToken)
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            LogMessages.DoctorFirewallUnreadable(logger, options.UfwPath, result.Outcome, result.ExitCode);
            return
            [
                new DoctorFinding("firewall.readable", FindingSeverity.Warning, "ufw",
                    $"'{options.UfwPath} status verbose' ended {result.Outcome} with exit {result.ExitCode}: {result.StandardError.Trim()}",
                    "The firewall state is unknown: SIP, RTP and SSH reachability cannot be checked.",
                    "Install ufw (apt-get install ufw) and run the doctor as root, or set the ufw path."),
            ];
        }

        return FirewallAudit.Audit(UfwStatus.Parse(result.StandardOutput), range, options);
    }
}
