using Watchdog.Agent.Actuators;
namespace Watchdog.Agent.Healing;

/// <summary>When and how hard the agent heals. Defaults suit a trunk with <c>qualify_frequency=60</c>.</summary>
public sealed record HealingOptions
{
    /// <summary>Heal at all (detection, metrics and alerts run either way).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the healers look at the state.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a registration may be down before the ladder starts (skipped when Asterisk gave up on it).</summary>
    public TimeSpan RegistrationGrace { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>After a re-register, how long to wait for the registration to come back before escalating.</summary>
    public TimeSpan ReregisterWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>After a res_pjsip reload, how long to wait before escalating.</summary>
    public TimeSpan ReloadWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>After a restart, how long to wait before declaring the ladder exhausted.</summary>
    public TimeSpan RestartWait { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>An exhausted ladder starts over after this long (still within the hourly cap).</summary>
    public TimeSpan LadderResetAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Most actions of any kind in a sliding hour; past it the agent only alerts.</summary>
    public int MaxActionsPerHour { get; set; } = 6;

    /// <summary>Least time between two re-registers.</summary>
    public TimeSpan ReregisterCooldown { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Least time between two res_pjsip reloads.</summary>
    public TimeSpan ReloadCooldown { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Least time between two restarts of Asterisk.</summary>
    public TimeSpan RestartCooldown { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A restart waits for active calls to end, but not longer than this.</summary>
    public TimeSpan RestartCallsDeadline { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>This many RTP timeouts on one endpoint within <see cref="RtpTimeoutWindow"/> is a spike.</summary>
    public int RtpTimeoutThreshold { get; set; } = 3;

    /// <summary>The window RTP timeouts are counted in.</summary>
    public TimeSpan RtpTimeoutWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Reload res_pjsip once on an RTP-timeout spike (then only alert until the window clears).</summary>
    public bool ReloadOnRtpSpike { get; set; } = true;

    /// <summary>AMI unusable (down, or pings unanswered) for this long while the service is up means Asterisk is hung.</summary>
    public TimeSpan HungThreshold { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>AMI down this long makes the agent ask systemd about Asterisk's unit (failed: reset and start; inactive: alert).</summary>
    public TimeSpan ServiceCheckAfter { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Timeout of the second opinion on a hang (<c>asterisk -rx "core show uptime"</c> on the control socket).</summary>
    public TimeSpan ConsoleProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Path of the asterisk binary for the second opinion; null or empty: no second opinion.</summary>
    public string? AsteriskPath { get; set; } = "/usr/sbin/asterisk";

    /// <summary>Quartz cron expression for a scheduled graceful restart (e.g. <c>0 30 4 ? * SUN</c>); null or empty: off.</summary>
    public string? RestartSchedule { get; set; }

    /// <summary>Asterisk's messages log, where registration failure causes and RTP timeouts are read; null: not tailed.</summary>
    public string? AsteriskLogPath { get; set; } = "/var/log/asterisk/messages";

    /// <summary>The service manager and Asterisk's unit.</summary>
    public ServiceManagerOptions Service { get; set; } = new();

    /// <summary>Every problem with these settings (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero) problems.Add($"Healing.{name} must be positive (was {value}).");
        }
        Positive(TickInterval, nameof(TickInterval));
        Positive(ReregisterWait, nameof(ReregisterWait));
        Positive(ReloadWait, nameof(ReloadWait));
        Positive(RestartWait, nameof(RestartWait));
        Positive(LadderResetAfter, nameof(LadderResetAfter));
        Positive(RtpTimeoutWindow, nameof(RtpTimeoutWindow));
        Positive(HungThreshold, nameof(HungThreshold));
        Positive(ServiceCheckAfter, nameof(ServiceCheckAfter));
        Positive(ConsoleProbeTimeout, nameof(ConsoleProbeTimeout));
        if (RegistrationGrace < TimeSpan.Zero) problems.Add("Healing.RegistrationGrace must not be negative.");
        if (ReregisterCooldown < TimeSpan.Zero || ReloadCooldown < TimeSpan.Zero || RestartCooldown < TimeSpan.Zero)
            problems.Add("Healing cooldowns must not be negative.");
        if (RestartCallsDeadline < TimeSpan.Zero) problems.Add("Healing.RestartCallsDeadline must not be negative.");
        if (MaxActionsPerHour < 1) problems.Add("Healing.MaxActionsPerHour must be at least 1.");
        if (RtpTimeoutThreshold < 1) problems.Add("Healing.RtpTimeoutThreshold must be at least 1.");
        if (!string.IsNullOrWhiteSpace(RestartSchedule) && !Quartz.CronExpression.TryParse(RestartSchedule, out _))
            problems.Add($"Healing.RestartSchedule '{RestartSchedule}' is not a Quartz cron expression (e.g. '0 30 4 ? * SUN').");
        problems.AddRange(Service.Validate());
        return problems;
    }

    /// <summary>The cooldown of an action label.</summary>
    public TimeSpan CooldownOf(string action) => action switch
    {
        HealingLabels.Reregister => ReregisterCooldown,
        HealingLabels.ReloadPjsip => ReloadCooldown,
        HealingLabels.RestartAsterisk or HealingLabels.StartAsterisk => RestartCooldown,
        _ => TimeSpan.Zero,
    };
}
