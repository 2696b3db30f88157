namespace Watchdog.Agent.Doctor;

/// <summary>Writes a <see cref="DoctorReport"/> for a person: problems first, worst first, each with its fix.</summary>
public static class DoctorReportText
{
    /// <summary>Writes the report; <c>ok</c> findings are listed after the problems, one line each.</summary>
    public static void Write(DoctorReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var problems = report.Findings.Where(f => f.Severity > FindingSeverity.Ok).OrderByDescending(f => f.Severity).ToList();
        foreach (var f in problems)
        {
            output.WriteLine($"[{Tag(f.Severity)}] {f.Subject}{(f.Line is { } line ? $" (line {line})" : "")}: {f.Found}");
            if (f.Symptom.Length > 0) output.WriteLine($"    symptom: {f.Symptom}");
            if (f.Fix.Length > 0) output.WriteLine($"    fix:     {f.Fix}");
            output.WriteLine();
        }
        foreach (var f in report.Findings.Where(f => f.Severity == FindingSeverity.Ok))
        {
            output.WriteLine($"[{Tag(f.Severity)}] {f.Subject}: {f.Found}");
        }
        var counts = string.Join(", ", Enum.GetValues<FindingSeverity>().Reverse()
            .Select(s => (s, n: report.Findings.Count(f => f.Severity == s))).Where(x => x.n > 0).Select(x => $"{x.n} {Tag(x.s).Trim().ToLowerInvariant()}"));
        output.WriteLine();
        output.WriteLine($"{report.Findings.Count} checks: {(counts.Length == 0 ? "nothing found" : counts)}; worst: {report.Worst.ToString().ToLowerInvariant()} (exit {report.ExitCode})");
    }

    private static string Tag(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Critical => "CRIT",
        FindingSeverity.Warning => "WARN",
        FindingSeverity.Info => "INFO",
        _ => " OK ",
    };
}
