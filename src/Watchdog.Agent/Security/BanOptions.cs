namespace Watchdog.Agent.Security;

/// <summary>Settings of the <see cref="BanManager"/> (fail2ban's maxretry/findtime/bantime plus growth and spikes).</summary>
public sealed record BanOptions
{
    /// <summary>Failures of one address within <see cref="FindTime"/> that trigger a ban.</summary>
    public int MaxRetry { get; set; } = 5;

    /// <summary>The sliding window for <see cref="MaxRetry"/>.</summary>
    public TimeSpan FindTime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>First ban length.</summary>
    public TimeSpan BanTime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Each further ban of a repeat offender lasts this many times longer…</summary>
    public double RepeatFactor { get; set; } = 2.0;

    /// <summary>…up to this.</summary>
    public TimeSpan MaxBanTime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>An address's earlier bans count for growth if the last one started within this period.</summary>
    public TimeSpan RepeatOffenderMemory { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Failures per minute, all sources and addresses together, above which a spike alert is raised.</summary>
    public int SpikeFailuresPerMinute { get; set; } = 120;

    /// <summary>At most one spike alert per this period.</summary>
    public TimeSpan SpikeAlertCooldown { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>JSON file holding active bans and offence history.</summary>
    public string StatePath { get; set; } = "/var/lib/watchdog/bans.json";

    /// <summary>Most addresses with failures (but no ban yet) kept in memory.</summary>
    public int MaxTrackedAddresses { get; set; } = 100_000;

    /// <summary>How often expired bans are lifted by <see cref="BanManager.RunExpiryLoopAsync"/>.</summary>
    public TimeSpan ExpiryCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Every problem with these settings (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxRetry is < 1 or > 1000)
        {
            problems.Add($"{nameof(MaxRetry)} must be between 1 and 1000 (was {MaxRetry}).");
        }

        if (FindTime <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(FindTime)} must be positive (was {FindTime}).");
        }

        if (BanTime <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(BanTime)} must be positive (was {BanTime}).");
        }

        if (MaxBanTime < BanTime)
        {
            problems.Add($"{nameof(MaxBanTime)} must be at least {nameof(BanTime)} (was {MaxBanTime} < {BanTime}).");
        }

        if (RepeatFactor is < 1.0 or > 100.0 || double.IsNaN(RepeatFactor))
        {
            problems.Add($"{nameof(RepeatFactor)} must be between 1 and 100 (was {RepeatFactor}).");
        }

        if (RepeatOffenderMemory < TimeSpan.Zero)
        {
            problems.Add($"{nameof(RepeatOffenderMemory)} must not be negative (was {RepeatOffenderMemory}).");
        }

        if (SpikeFailuresPerMinute < 1)
        {
            problems.Add($"{nameof(SpikeFailuresPerMinute)} must be at least 1 (was {SpikeFailuresPerMinute}).");
        }

        if (SpikeAlertCooldown < TimeSpan.Zero)
        {
            problems.Add($"{nameof(SpikeAlertCooldown)} must not be negative (was {SpikeAlertCooldown}).");
        }

        if (string.IsNullOrWhiteSpace(StatePath) || !Path.IsPathFullyQualified(StatePath))
        {
            problems.Add($"{nameof(StatePath)} must be an absolute path (was '{StatePath}').");
        }

        if (MaxTrackedAddresses < 100)
        {
            problems.Add($"{nameof(MaxTrackedAddresses)} must be at least 100 (was {MaxTrackedAddresses}).");
        }

        if (ExpiryCheckInterval <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(ExpiryCheckInterval)} must be positive (was {ExpiryCheckInterval}).");
        }

        return problems;
    }
}
