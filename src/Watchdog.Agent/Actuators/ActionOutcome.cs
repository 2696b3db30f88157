namespace Watchdog.Agent.Actuators;

/// <summary>How one actuator call ended.</summary>
public enum ActionOutcome
{
    /// <summary>Asterisk (or systemd) accepted the command: <c>sent</c>. Whether it healed anything is judged later.</summary>
    Success,
    /// <summary>The command ran and failed, timed out, or could not be sent.</summary>
    Failed,
    /// <summary>Dry-run: logged and counted, nothing done.</summary>
    DryRun,
}

/// <summary>Label values of <c>watchdog_remediations_total</c> for healing (small fixed sets).</summary>
public static class HealingLabels
{
    public const string Reregister = "reregister";
    public const string ReloadPjsip = "reload_pjsip";
    public const string RestartAsterisk = "restart_asterisk";
    /// <summary><c>systemctl reset-failed</c> + <c>start</c> of a unit systemd gave up on.</summary>
    public const string StartAsterisk = "start_asterisk";

    public const string RegistrationLost = "registration_lost";
    public const string RegistrationStopped = "registration_stopped";
    public const string RtpTimeouts = "rtp_timeouts";
    public const string AmiHung = "ami_hung";
    public const string Scheduled = "scheduled";
    /// <summary>systemd reports Asterisk's unit as failed.</summary>
    public const string ServiceFailed = "service_failed";

    /// <summary>Outcome label: the command was accepted.</summary>
    public const string Sent = "sent";
    /// <summary>Outcome label: the command was refused, timed out, or could not be sent.</summary>
    public const string Failed = "failed";
    /// <summary>Outcome label: dry-run, nothing done.</summary>
    public const string DryRunLabel = "dry_run";
    /// <summary>Outcome label, counted on top of <see cref="Sent"/>: the condition cleared within the action's wait.</summary>
    public const string Healed = "healed";

    /// <summary>Every outcome label of a healing action.</summary>
    public static readonly string[] Outcomes = [Sent, Failed, DryRunLabel, Healed];

    public static string Outcome(ActionOutcome outcome) => outcome switch
    {
        ActionOutcome.Success => Sent,
        ActionOutcome.DryRun => "dry_run",
        _ => "failed",
    };
}
