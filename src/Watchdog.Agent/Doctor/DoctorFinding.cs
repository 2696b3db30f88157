using System.Text.Json;
using System.Text.Json.Serialization;

namespace Watchdog.Agent.Doctor;

/// <summary>How bad a finding is. The order matters: a report's exit code comes from the worst one.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FindingSeverity>))]
public enum FindingSeverity
{
    /// <summary>Checked and fine.</summary>
    Ok,
    /// <summary>Worth knowing, nothing breaks.</summary>
    Info,
    /// <summary>Something will misbehave under some conditions (NAT, reloads, audits).</summary>
    Warning,
    /// <summary>Calls, registration or the agent itself are broken or the host is exposed.</summary>
    Critical,
}

/// <summary>One result of the doctor: what was checked, what was found, what it causes and the exact fix.</summary>
/// <param name="Id">Stable identifier of the check, e.g. <c>pjsip.trunk.direct_media</c>.</param>
/// <param name="Severity">How bad it is.</param>
/// <param name="Subject">What was checked, e.g. <c>pjsip.conf [mango]</c>.</param>
/// <param name="Found">What the configuration says (never a secret).</param>
/// <param name="Symptom">What the operator will see if it is left as is (empty when <see cref="FindingSeverity.Ok"/>).</param>
/// <param name="Fix">The exact line(s) to add or change, or the command to run (empty when nothing to do).</param>
public sealed record DoctorFinding(string Id, FindingSeverity Severity, string Subject, string Found, string Symptom, string Fix)
{
    /// <summary>The file the checked section really lives in (an <c>#include</c>d one included); null when the finding is not about one section.</summary>
    public string? File { get; init; }

    /// <summary>1-based line of that section's header in <see cref="File"/>.</summary>
    public int? Line { get; init; }

    /// <summary>This finding, placed where <paramref name="section"/> is declared.</summary>
    public DoctorFinding At(ConfigSection? section) => section is null ? this : this with { File = section.File, Line = section.Line };

    internal static DoctorFinding Ok(string id, string subject, string found) => new(id, FindingSeverity.Ok, subject, found, "", "");
}

/// <summary>Every finding of one doctor run, with the exit code a command line should return.</summary>
public sealed record DoctorReport(IReadOnlyList<DoctorFinding> Findings)
{
    /// <summary>The worst severity among the findings (<see cref="FindingSeverity.Ok"/> when there are none).</summary>
    public FindingSeverity Worst => Findings.Count == 0 ? FindingSeverity.Ok : Findings.Max(f => f.Severity);

    /// <summary>0 for ok/info, 1 when the worst finding is a warning, 2 when it is critical.</summary>
    public int ExitCode => Worst switch
    {
        FindingSeverity.Critical => 2,
        FindingSeverity.Warning => 1,
        _ => 0,
    };

    /// <summary>The report as indented JSON (camelCase, severities as names).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, DoctorJsonContext.Default.DoctorReport);
}

/// <summary>The report's JSON, generated (no reflection: works trimmed and under Native AOT).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DoctorReport))]
internal sealed partial class DoctorJsonContext : JsonSerializerContext;
