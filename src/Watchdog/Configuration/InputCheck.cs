using Watchdog.Agent.Security;
using Watchdog.Agent;
using Watchdog.Agent.Doctor;

namespace Watchdog.Configuration;

/// <summary>
/// The files and tools the agent reads, checked before it starts: a missing or unreadable input is a
/// warning (the agent still runs, blind on that side). Finds Asterisk's <c>messages.log</c> when the
/// configured <c>messages</c> does not exist (and the other way round), and the journal when there is no auth.log.
/// </summary>
public static class InputCheck
{
    /// <summary>The settings with detected paths filled in, and one warning per missing input.</summary>
    public static (AgentSettings Settings, IReadOnlyList<string> Warnings) Run(AgentSettings settings)
    {
        var warnings = new List<string>();
        var healing = settings.Healing;
        if (string.IsNullOrWhiteSpace(healing.AsteriskLogPath))
        {
            warnings.Add("Healing:AsteriskLogPath is not set: registration failure causes, RTP time-outs and SIP evidence are not read from Asterisk's log");
        }
        else if (!File.Exists(healing.AsteriskLogPath))
        {
            var other = healing.AsteriskLogPath.EndsWith(".log", StringComparison.Ordinal) ? healing.AsteriskLogPath[..^4] : healing.AsteriskLogPath + ".log";
            if (File.Exists(other))
            {
                warnings.Add($"Healing:AsteriskLogPath {healing.AsteriskLogPath} does not exist; reading {other} instead (set it to that to silence this)");
                settings = settings with { Healing = healing with { AsteriskLogPath = other } };
            }
            else
            {
                warnings.Add($"Healing:AsteriskLogPath {healing.AsteriskLogPath} does not exist (nor {other}): registration failure causes, RTP time-outs and SIP evidence are not read; check logger.conf");
            }
        }
        else if (Unreadable(healing.AsteriskLogPath) is { } why)
        {
            warnings.Add($"Healing:AsteriskLogPath {healing.AsteriskLogPath} cannot be read: {why}");
        }
        if (settings.Healing.AsteriskLogPath is { Length: > 0 } log && File.Exists(log))
            warnings.AddRange(LoggerWarnings(settings.Diagnosis.Doctor.ConfigDirectory, log));

        var security = settings.Security;
        if (security.Enabled)
        {
            if (!File.Exists(security.AuthLogPath))
            {
                if (!File.Exists(security.Journal.JournalctlPath))
                    warnings.Add($"Security:AuthLogPath {security.AuthLogPath} does not exist and there is no journal ({security.Journal.JournalctlPath}): SSH brute force is not seen");
            }
            else if (Unreadable(security.AuthLogPath) is { } why)
            {
                warnings.Add($"Security:AuthLogPath {security.AuthLogPath} cannot be read: {why}");
            }
            if (security.AsteriskSecurityLogPath is { Length: > 0 } sec && !File.Exists(sec))
                warnings.Add($"Security:AsteriskSecurityLogPath {sec} does not exist: SIP brute force is seen only through AMI security events");
        }
        return (settings, warnings);
    }

    /// <summary>Where sshd failures are read from, in words (for the start-up line).</summary>
    public static string SshSource(SecuritySettings security) =>
        File.Exists(security.AuthLogPath) ? security.AuthLogPath
        : File.Exists(security.Journal.JournalctlPath) ? $"the journal ({string.Join(", ", security.Journal.Units)})"
        : "nothing";

    private static string? Unreadable(string path)
    {
        try
        {
            using var _ = File.OpenRead(path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// logger.conf held against the messages log the agent reads, by the doctor's own check (<see cref="LoggerAudit"/>):
    /// a channel that really writes it, with notice, warning and verbose. Nothing when logger.conf cannot be read
    /// (the doctor says more).
    /// </summary>
    internal static IEnumerable<string> LoggerWarnings(string configDirectory, string logPath)
    {
        var loggerConf = Path.Combine(configDirectory, "logger.conf");
        AsteriskConfig? logger, asterisk;
        try
        {
            logger = AsteriskConfig.ParseWithIncludes(File.ReadAllText(loggerConf), "logger.conf", include => AsteriskConfig.Resolve(configDirectory, include));
            var asteriskConf = Path.Combine(configDirectory, "asterisk.conf");
            asterisk = File.Exists(asteriskConf) ? AsteriskConfig.Parse(File.ReadAllText(asteriskConf), "asterisk.conf") : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (var finding in LoggerAudit.Audit(logger, asterisk, new DoctorLogInputs(logPath)).Where(f => f.Severity >= FindingSeverity.Warning))
        {
            yield return $"{Path.Combine(configDirectory, finding.File ?? "logger.conf")}: {finding.Found}: {finding.Symptom} Fix: {finding.Fix}";
        }
    }
}
