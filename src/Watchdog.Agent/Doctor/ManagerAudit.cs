using System.Net;

namespace Watchdog.Agent.Doctor;

/// <summary>
/// Checks manager.conf for the agent's AMI user. The agent needs: read <c>system</c> (registry, FullyBooted,
/// reload events) and <c>call</c> (channel events), optionally <c>security</c> (otherwise the security log is read);
/// write <c>system</c> (PJSIPRegister, ModuleLoad, PJSIPShow*/CoreShowChannels lists) and <c>command</c>
/// (Command). Ping needs no class. Anything beyond that widens what a stolen AMI secret can do.
/// </summary>
public static class ManagerAudit
{
    /// <summary>Read classes the agent cannot work without.</summary>
    public static readonly IReadOnlyList<string> RequiredRead = ["system", "call"];

    /// <summary>Write classes the agent cannot work without.</summary>
    public static readonly IReadOnlyList<string> RequiredWrite = ["system", "command"];

    // originate can run System() through a dialplan application; config rewrites any .conf; dialplan adds extensions.
    private static readonly IReadOnlyList<string> DangerousWrite = ["originate", "config", "dialplan", "agent", "user"];

    /// <summary>Findings for manager.conf (null when the file is missing).</summary>
    public static IReadOnlyList<DoctorFinding> Audit(AsteriskConfig? manager, string user) =>
        manager is null ? AuditAgentUser(manager, user) : [.. AuditAgentUser(manager, user), .. OtherUsers(manager, user)];

    // Secrets that ship in tutorials and distribution defaults (FreePBX's amp111 among them).
    private static readonly HashSet<string> WeakSecrets = new(StringComparer.OrdinalIgnoreCase)
    { "admin", "amp111", "password", "secret", "asterisk", "changeme", "1234", "12345", "123456", "manager", "test" };

    /// <summary>Every other manager user with a guessable secret: critical when it may originate, reconfigure or do everything.</summary>
    private static IEnumerable<DoctorFinding> OtherUsers(AsteriskConfig manager, string agentUser)
    {
        foreach (var section in manager.Sections.Where(s => !s.Name.Equals("general", StringComparison.OrdinalIgnoreCase)
            && !s.Name.Equals(agentUser, StringComparison.Ordinal) && s.Get("secret") is not null))
        {
            var secret = section.Get("secret")!;
            if (!WeakSecrets.Contains(secret) && !secret.Equals(section.Name, StringComparison.OrdinalIgnoreCase) && secret.Length >= 8) continue;
            var write = Classes(section.Get("write"));
            var powerful = write.Contains("all") || write.Intersect(DangerousWrite).Any() || write.Contains("system") || write.Contains("command");
            yield return new DoctorFinding("manager.other_user.weak", powerful ? FindingSeverity.Critical : FindingSeverity.Warning, section.Location,
                $"user {section.Name} has a guessable secret (never printed) and write={section.Get("write") ?? "(unset)"}",
                powerful ? "Anyone who reaches AMI can log in as this user and originate calls, change the configuration or restart Asterisk."
                    : "Anyone who reaches AMI can log in as this user and read the PBX's events.",
                $"In {section.Location}: set a long random secret (openssl rand -base64 24), or delete the section if nothing uses it; then asterisk -rx \"manager reload\"").At(section);
        }
    }

    private static IReadOnlyList<DoctorFinding> AuditAgentUser(AsteriskConfig? manager, string user)
    {
        var findings = new List<DoctorFinding>();
        if (manager is null)
        {
            findings.Add(new DoctorFinding("manager.missing", FindingSeverity.Critical, "manager.conf", "file not found",
                "The agent cannot log in to AMI: no monitoring, no healing.",
                "Create manager.conf with [general] enabled=yes, bindaddr=127.0.0.1 and a section for the agent's user."));
            return findings;
        }

        // Asterisk reads the first [general] only (ast_variable_browse finds the first category of a name).
        var general = manager.Find("general");
        var where = general?.Location ?? "manager.conf [general]";
        var enabled = general?.Get("enabled");
        findings.Add((IsYes(enabled)
            ? DoctorFinding.Ok("manager.enabled", where, "enabled=yes")
            : new DoctorFinding("manager.enabled", FindingSeverity.Critical, where, $"enabled={enabled ?? "(unset, default no)"}",
                "AMI is off: the agent cannot connect.", $"In {where} set: enabled=yes")).At(general));

        var bind = general?.Get("bindaddr");
        var loopback = bind is not null && IPAddress.TryParse(bind, out var address) && IPAddress.IsLoopback(address);
        findings.Add((loopback
            ? DoctorFinding.Ok("manager.bindaddr", where, $"bindaddr={bind}")
            : new DoctorFinding("manager.bindaddr", FindingSeverity.Critical, where,
                $"bindaddr={bind ?? "(unset, default 0.0.0.0)"}",
                "AMI listens beyond this host: anyone who guesses or sniffs a secret controls the PBX.",
                $"In {where} set: bindaddr=127.0.0.1")).At(general));

        foreach (var duplicate in manager.Sections.Where(s => s.Name.Equals("general", StringComparison.OrdinalIgnoreCase) && !ReferenceEquals(s, general)))
        {
            var keys = string.Join(", ", duplicate.Values.Select(v => v.Key).Distinct());
            findings.Add(new DoctorFinding("manager.general.duplicate", FindingSeverity.Warning, duplicate.Location,
                $"a second [general] (line {duplicate.Line}) after {where} (line {general!.Line}); its {(keys.Length == 0 ? "(no keys)" : keys)} are ignored",
                "Asterisk reads only the first [general]: settings here (enabled, bindaddr, port …) silently do nothing.",
                $"Move the lines you need into {where}, then delete the [general] header at {duplicate.File} line {duplicate.Line}").At(duplicate));
        }

        var section = manager.Find(user);
        if (section is null)
        {
            findings.Add(new DoctorFinding("manager.user", FindingSeverity.Critical, $"manager.conf [{user}]", "no such user",
                "The agent's AMI login is rejected.",
                $"Add to manager.conf: [{user}] with secret=..., read=system,call,security and write=system,command (deploy/install-manager-user.sh writes it to manager.d/{user}.conf and includes it)"));
            return findings;
        }

        var subject = section.Location;
        var first = findings.Count;

        var read = Classes(section.Get("read"));
        var write = Classes(section.Get("write"));

        // One recommended write line for both findings, so following either fix never contradicts the other.
        var safeWrite = string.Join(',', Union(write.Except(DangerousWrite), RequiredWrite));

        var missingRead = RequiredRead.Where(c => !Has(read, c)).ToList();
        findings.Add(missingRead.Count == 0
            ? DoctorFinding.Ok("manager.read", subject, $"read={section.Get("read")}")
            : new DoctorFinding("manager.read", FindingSeverity.Warning, subject, $"read={section.Get("read") ?? "(unset)"}",
                $"The agent gets no {string.Join("/", missingRead)} events: registrations and calls look silent.",
                $"In {subject} set: read={string.Join(',', Union(read, RequiredRead.Concat(["security"])))}"));

        if (!Has(read, "security"))
        {
            findings.Add(new DoctorFinding("manager.read.security", FindingSeverity.Info, subject, "read has no security class",
                "Attack detection falls back to the Asterisk security log file.",
                $"Optional: in {subject} set: read={string.Join(',', Union(read, ["security"]))}"));
        }

        var missingWrite = RequiredWrite.Where(c => !Has(write, c)).ToList();
        findings.Add(missingWrite.Count == 0
            ? DoctorFinding.Ok("manager.write", subject, $"write={section.Get("write")}")
            : new DoctorFinding("manager.write", FindingSeverity.Warning, subject, $"write={section.Get("write") ?? "(unset)"}",
                string.Join(" ", missingWrite.Select(c => c == "system"
                    ? "Without write=system Asterisk refuses PJSIPRegister and ModuleLoad: no re-register, no res_pjsip reload."
                    : "Without write=command Asterisk refuses CLI commands: no 'pjsip set logger' for SIP evidence.")),
                $"In {subject} set: write={safeWrite}"));

        if (write.Contains("all"))
        {
            findings.Add(new DoctorFinding("manager.write.excess", FindingSeverity.Critical, subject, "write=all",
                "A leaked AMI secret allows originating calls (toll fraud), rewriting config and running shell commands.",
                $"In {subject} set: write={safeWrite}"));
        }
        else if (write.Intersect(DangerousWrite).ToList() is { Count: > 0 } extra)
        {
            findings.Add(new DoctorFinding("manager.write.excess", FindingSeverity.Warning, subject, $"write includes {string.Join(",", extra)}",
                "More power than the agent needs: a leaked secret can place calls or change the configuration.",
                $"In {subject} set: write={safeWrite}"));
        }

        if (read.Contains("all"))
        {
            findings.Add(new DoctorFinding("manager.read.excess", FindingSeverity.Info, subject, "read=all",
                "Every event class is streamed to the agent (more load, more data exposed).",
                $"In {subject} set: read=system,call,security"));
        }

        for (var i = first; i < findings.Count; i++)
        {
            findings[i] = findings[i].At(section);
        }

        return findings;
    }

    private static bool IsYes(string? value) => value is not null && value.Trim().ToLowerInvariant() is "yes" or "true" or "on" or "1";

    private static List<string> Classes(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(c => c.ToLowerInvariant()).ToList();

    private static bool Has(List<string> classes, string wanted) => classes.Contains("all") || classes.Contains(wanted);

    private static IEnumerable<string> Union(IEnumerable<string> existing, IEnumerable<string> required) =>
        existing.Where(c => c != "all").Concat(required).Distinct();
}
