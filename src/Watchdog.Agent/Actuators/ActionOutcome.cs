namespace Watchdog.Agent.Actuators;

/// <summary>How one actuator call ended.</summary>
public enum ActionOutcome
{
    /// <summary>The command ran and reported success.</summary>
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

    public const string RegistrationLost = "registration_lost";
    public const string RegistrationStopped = "registration_stopped";
    public const string RtpTimeouts = "rtp_timeouts";
    public const string AmiHung = "ami_hung";
    public const string Scheduled = "scheduled";

    public static string Outcome(ActionOutcome outcome) => outcome switch
    {
        ActionOutcome.Success => "success",
        ActionOutcome.DryRun => "dry_run",
        _ => "failed",
    };
}
