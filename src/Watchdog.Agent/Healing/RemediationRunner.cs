using Microsoft.Extensions.Logging;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Alerting;

namespace Watchdog.Agent.Healing;

/// <summary>
/// Runs one healing action through its actuator and records it everywhere it must be: an audit log
/// event, <c>watchdog_remediations_total{action,reason,outcome}</c>, and an alert.
/// </summary>
public sealed class RemediationRunner(
    IAsteriskControl asterisk,
    IServiceManager service,
    RemediationMetrics metrics,
    IAlertPublisher alerts,
    TimeProvider time,
    ILogger<RemediationRunner> logger,
    ActionLog? actions = null)
{
    /// <summary>The healing actions and the reasons each is taken for (their series exist from the start).</summary>
    public static readonly (string Action, string Reason)[] KnownActions =
    [
        (HealingLabels.Reregister, HealingLabels.RegistrationLost), (HealingLabels.Reregister, HealingLabels.RegistrationStopped),
        (HealingLabels.ReloadPjsip, HealingLabels.RegistrationLost), (HealingLabels.ReloadPjsip, HealingLabels.RegistrationStopped),
        (HealingLabels.ReloadPjsip, HealingLabels.RtpTimeouts),
        (HealingLabels.RestartAsterisk, HealingLabels.RegistrationLost), (HealingLabels.RestartAsterisk, HealingLabels.RegistrationStopped),
        (HealingLabels.RestartAsterisk, HealingLabels.AmiHung), (HealingLabels.RestartAsterisk, HealingLabels.Scheduled),
        (HealingLabels.StartAsterisk, HealingLabels.ServiceFailed),
    ];

    /// <summary>Creates every healing series at zero.</summary>
    public void PrepareMetrics()
    {
        foreach (var (action, reason) in KnownActions)
        {
            metrics.Prepare(action, reason, HealingLabels.Outcomes);
        }
    }

    /// <summary>
    /// Counts an action that healed: the condition cleared within its wait (on top of its <c>sent</c>), and
    /// records it in the action log.
    /// </summary>
    public void CountHealed(string action, string reason, string target)
    {
        metrics.Count(action, reason, HealingLabels.Healed);
        actions?.Record(new ActionRecord(time.GetUtcNow(), action, reason, target, HealingLabels.Healed));
    }

    /// <summary>Runs <paramref name="action"/> (a <see cref="HealingLabels"/> action) for <paramref name="target"/>.</summary>
    public async Task<ActionOutcome> RunAsync(string action, string reason, string target, CancellationToken ct, string? cause = null)
    {
        var outcome = action switch
        {
            HealingLabels.Reregister => await asterisk.ReregisterAsync(target, ct).ConfigureAwait(false),
            HealingLabels.ReloadPjsip => await asterisk.ReloadPjsipAsync(ct).ConfigureAwait(false),
            HealingLabels.RestartAsterisk => await service.RestartAsync(ct).ConfigureAwait(false),
            HealingLabels.StartAsterisk => await service.ResetFailedAndStartAsync(ct).ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Not a healing action."),
        };
        var label = HealingLabels.Outcome(outcome);
        metrics.Count(action, reason, label);
        LogMessages.Remediation(logger, action, reason, target, label);
        actions?.Record(new ActionRecord(time.GetUtcNow(), action, reason, target, label));

        var details = new Dictionary<string, string> { ["action"] = action, ["reason"] = reason };
        if (cause is not null) details["cause"] = cause;
        if (outcome == ActionOutcome.DryRun) details["dry_run"] = "true";
        var remediation = outcome switch
        {
            ActionOutcome.Success => RemediationOutcome.Sent,
            ActionOutcome.DryRun => RemediationOutcome.Skipped,
            _ => RemediationOutcome.Failed,
        };
        // Every step of a ladder is its own alert: the action is part of the de-duplication key.
        alerts.Publish(new Alert(AlertKind.Remediation, outcome == ActionOutcome.Failed ? AlertSeverity.Critical : AlertSeverity.Warning, target, time.GetUtcNow())
        {
            Outcome = remediation,
            Details = details,
            Key = $"{AlertKind.Remediation}:{target}:{action}:{remediation}",
        });
        return outcome;
    }
}
