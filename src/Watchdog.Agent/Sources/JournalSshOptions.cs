namespace Watchdog.Agent.Sources;

/// <summary>Settings of <see cref="JournalSshSource"/>.</summary>
public sealed record JournalSshOptions
{
    /// <summary>Path of journalctl (tests point it at a stand-in that prints JSON lines).</summary>
    public string JournalctlPath { get; set; } = "/usr/bin/journalctl";

    /// <summary>Units to follow (Debian/Ubuntu call it ssh.service, others sshd.service).</summary>
    public IReadOnlyList<string> Units { get; set; } = ["ssh.service", "sshd.service"];

    /// <summary>Wait before restarting journalctl after it exits.</summary>
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Every problem with these settings (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(JournalctlPath) || !Path.IsPathFullyQualified(JournalctlPath))
        {
            problems.Add($"{nameof(JournalctlPath)} must be an absolute path (was '{JournalctlPath}').");
        }

        if (Units.Count == 0)
        {
            problems.Add($"{nameof(Units)} must name at least one unit.");
        }

        foreach (var unit in Units)
        {
            if (string.IsNullOrWhiteSpace(unit) || unit.StartsWith('-') || unit.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                problems.Add($"{nameof(Units)}: '{unit}' is not a unit name.");
            }
        }

        if (RestartDelay <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(RestartDelay)} must be positive (was {RestartDelay}).");
        }

        return problems;
    }
}
