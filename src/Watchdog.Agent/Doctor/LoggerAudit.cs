namespace Watchdog.Agent.Doctor;

/// <summary>The Asterisk log files the agent reads, for the <c>logger.conf</c> checks.</summary>
/// <param name="AsteriskLogPath"><c>Healing:AsteriskLogPath</c>, the messages log; null or empty: the agent reads none.</param>
/// <param name="SecurityLogPath"><c>Security:AsteriskSecurityLogPath</c>; null: SIP attacks come from AMI security events only.</param>
/// <param name="HostName">This host's name for <c>appendhostname=yes</c> (null: the machine's own).</param>
public sealed record DoctorLogInputs(string? AsteriskLogPath, string? SecurityLogPath = null, string? HostName = null);

/// <summary>
/// Checks <c>logger.conf</c> against what the agent reads: a <c>[logfiles]</c> channel that really writes
/// <c>Healing:AsteriskLogPath</c> (and <c>Security:AsteriskSecurityLogPath</c> when set), with the levels the agent
/// relies on, in a format it parses.
/// </summary>
/// <remarks>
/// Channel semantics from Asterisk's main/logger.c and configs/samples/logger.conf.sample: a channel name other than
/// <c>console</c>/<c>syslog.*</c> is a file, relative to <c>astlogdir</c> (asterisk.conf <c>[directories]</c>, default
/// /var/log/asterisk) unless it starts with '/'; <c>appendhostname=yes</c> in <c>[general]</c> appends ".hostname" to
/// every file; the value is <c>[formatter]level,level…</c> where <c>*</c> means every level and <c>verbose(N)</c> is
/// verbose; without a logger.conf Asterisk logs to the console only.
/// </remarks>
public static class LoggerAudit
{
    /// <summary>Where Asterisk writes its logs when asterisk.conf does not say.</summary>
    public const string DefaultLogDirectory = "/var/log/asterisk";

    // The levels the agent's observers match in the messages log (Healing/HealingLogObserver, Detection/TrunkLogObserver,
    // Diagnosis/SipEvidenceRecorder) and what is lost without each.
    private static readonly (string Level, string Carries)[] MessagesLevels =
    [
        ("notice", "RTP time-outs and 'No matching endpoint found' (NOTICE)"),
        ("warning", "registration failures with their cause (WARNING)"),
        ("verbose", "the 'pjsip set logger' SIP messages that become SIP evidence (VERBOSE)"),
    ];

    /// <summary>Findings for <paramref name="logger"/> (null when logger.conf is missing), with <paramref name="asterisk"/> giving astlogdir.</summary>
    public static IReadOnlyList<DoctorFinding> Audit(AsteriskConfig? logger, AsteriskConfig? asterisk, DoctorLogInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var findings = new List<DoctorFinding>();
        if (inputs.AsteriskLogPath is not { Length: > 0 } messages)
        {
            return findings;
        }

        if (logger is null)
        {
            findings.Add(new DoctorFinding("logger.missing", FindingSeverity.Warning, "logger.conf", "file not found",
                $"Without logger.conf Asterisk logs to its console only: {messages} is never written, so no registration causes, RTP time-outs or SIP evidence.",
                $"Create logger.conf with: [logfiles] and {ChannelName(messages, LogDirectory(asterisk))} => notice,warning,error,verbose; then asterisk -rx \"logger reload\""));
            return findings;
        }

        var directory = LogDirectory(asterisk);
        var general = logger.Find("general");
        var host = IsYes(general?.Get("appendhostname")) ? inputs.HostName ?? System.Net.Dns.GetHostName() : null;
        var logfiles = logger.Find("logfiles");
        var channels = (logfiles?.Values ?? []).Where(v => IsFile(v.Key))
            .Select(v => new Channel(v.Key, v.Value, Resolve(v.Key, directory, host))).ToList();
        var where = logfiles?.Location ?? "logger.conf [logfiles]";

        var context = new Context(channels, where, directory, host, logfiles, general?.Location ?? "logger.conf [general]");
        findings.AddRange(AuditChannel(context, messages, "messages", MessagesLevels, "notice,warning,error,verbose", "Healing:AsteriskLogPath"));
        if (inputs.SecurityLogPath is { Length: > 0 } security)
        {
            findings.AddRange(AuditChannel(context, security, "security",
                [("security", "the SecurityEvent lines SIP brute force is banned from (SECURITY)")], "security", "Security:AsteriskSecurityLogPath"));
        }

        return findings;
    }

    private static IEnumerable<DoctorFinding> AuditChannel(Context context, string path, string kind, (string Level, string Carries)[] needed,
        string suggested, string key)
    {
        var (channels, where, directory, host, logfiles, general) = context;
        var id = $"logger.{kind}";
        var channel = channels.FirstOrDefault(c => SamePath(c.Path, path));
        if (channel is null)
        {
            var near = channels.FirstOrDefault(c => SamePath(ToggleLog(c.Path), path) || SamePath(Strip(c.Path, host), path)
                || string.Equals(Path.GetFileName(Strip(c.Path, host)), Path.GetFileName(path), StringComparison.OrdinalIgnoreCase));
            yield return (near is not null
                ? new DoctorFinding($"{id}.path", FindingSeverity.Warning, where,
                    $"'{near.Name} =>' writes {near.Path}, but {key} is {path}",
                    $"The agent tails a file Asterisk never writes: {string.Join("; ", needed.Select(n => n.Carries))} are not seen.",
                    host is not null && SamePath(Strip(near.Path, host), path)
                        ? $"In {general} set: appendhostname=no, or set {key} to {near.Path}"
                        : $"Set {key} to {near.Path} in the agent's configuration (or rename the channel in {where} to {ChannelName(path, directory)})")
                : new DoctorFinding($"{id}.path", FindingSeverity.Warning, where, $"no channel writes {path} ({key})",
                    $"Asterisk never writes the file the agent tails: {string.Join("; ", needed.Select(n => n.Carries))} are not seen.",
                    $"In {where} add: {ChannelName(path, directory)} => {suggested}; then asterisk -rx \"logger reload\"")).At(logfiles);
            if (near is null)
            {
                yield break;
            }

            // The channel meant for the agent: its levels matter as soon as the path is put right.
            channel = near;
        }

        var (formatter, present) = Levels(channel.Value);
        if (formatter.Equals("json", StringComparison.OrdinalIgnoreCase))
        {
            yield return new DoctorFinding($"{id}.format", FindingSeverity.Warning, where, $"'{channel.Name} => {channel.Value}' writes JSON",
                "The agent parses Asterisk's default text format: every line of this file is skipped.",
                $"In {where} change to: {channel.Name} => {StripFormatter(channel.Value)}").At(logfiles);
        }

        var missing = needed.Where(n => !present.Contains("*") && !present.Contains(n.Level)).ToList();
        yield return (missing.Count == 0
            ? DoctorFinding.Ok($"{id}.levels", where, $"{channel.Name} => {channel.Value}")
            : new DoctorFinding($"{id}.levels", FindingSeverity.Warning, where,
                $"'{channel.Name} => {channel.Value}' has no {string.Join(", ", missing.Select(m => m.Level))}",
                $"Asterisk does not write {string.Join("; ", missing.Select(m => m.Carries))} to {channel.Path}: the agent never sees them.",
                $"In {where} change to: {channel.Name} => {channel.Value.TrimEnd().TrimEnd(',')},{string.Join(',', missing.Select(m => m.Level))}; then asterisk -rx \"logger reload\"")).At(logfiles);
    }

    private sealed record Channel(string Name, string Value, string Path);

    private sealed record Context(List<Channel> Channels, string Where, string Directory, string? Host, ConfigSection? Logfiles, string General);

    /// <summary>The log directory: asterisk.conf <c>[directories] astlogdir</c>, or <see cref="DefaultLogDirectory"/>.</summary>
    private static string LogDirectory(AsteriskConfig? asterisk) =>
        asterisk?.Find("directories")?.Get("astlogdir") is { Length: > 0 } dir ? dir.TrimEnd('/') : DefaultLogDirectory;

    private static bool IsFile(string channel) =>
        !channel.Equals("console", StringComparison.OrdinalIgnoreCase) && !channel.StartsWith("syslog", StringComparison.OrdinalIgnoreCase);

    private static string Resolve(string channel, string directory, string? host)
    {
        var path = channel.StartsWith('/') ? channel : $"{directory}/{channel}";
        return host is null ? path : $"{path}.{host}";
    }

    private static string Strip(string path, string? host) =>
        host is not null && path.EndsWith("." + host, StringComparison.OrdinalIgnoreCase) ? path[..^(host.Length + 1)] : path;

    private static string ToggleLog(string path) => path.EndsWith(".log", StringComparison.OrdinalIgnoreCase) ? path[..^4] : path + ".log";

    private static bool SamePath(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    // The channel name for a path: relative to the log directory when it lies there.
    private static string ChannelName(string path, string directory) =>
        path.StartsWith(directory + "/", StringComparison.Ordinal) ? path[(directory.Length + 1)..] : path;

    private static (string Formatter, HashSet<string> Levels) Levels(string value)
    {
        var formatter = "";
        var rest = value.Trim();
        if (rest.StartsWith('[') && rest.IndexOf(']', StringComparison.Ordinal) is var end and > 0)
        {
            formatter = rest[1..end].Trim();
            rest = rest[(end + 1)..];
        }

        var levels = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var level in rest.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            levels.Add(level.StartsWith("verbose(", StringComparison.OrdinalIgnoreCase) ? "verbose" : level);
        }

        return (formatter, levels);
    }

    private static string StripFormatter(string value)
    {
        var rest = value.Trim();
        return rest.StartsWith('[') && rest.IndexOf(']', StringComparison.Ordinal) is var end and > 0 ? rest[(end + 1)..].Trim() : rest;
    }

    private static bool IsYes(string? value) => value is not null && value.Trim().ToLowerInvariant() is "yes" or "true" or "on" or "1";
}
