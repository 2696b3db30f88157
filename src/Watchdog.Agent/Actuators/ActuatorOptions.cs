namespace Watchdog.Agent.Actuators;

/// <summary>
/// Settings shared by every actuator (firewall now, systemctl later). Bind once from configuration and hand
/// the same instance to each actuator, so one switch puts the whole agent in dry-run.
/// </summary>
public sealed record ActuatorOptions
{
    /// <summary>Log and count what would be done, run nothing.</summary>
    public bool DryRun { get; set; }

    /// <summary>How long one command may run before its process tree is killed.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Every problem with these settings (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (CommandTimeout <= TimeSpan.Zero || CommandTimeout > TimeSpan.FromMinutes(10))
        {
            problems.Add($"{nameof(CommandTimeout)} must be between 0 and 10 minutes (was {CommandTimeout}).");
        }

        return problems;
    }
}
