using Microsoft.Extensions.Logging;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Actuators;
using Watchdog.Ami;

namespace Watchdog.Agent.Healing;

/// <summary>
/// Asterisk down is not only systemd's business. While AMI has been down for
/// <see cref="HealingOptions.ServiceCheckAfter"/> the unit's state is read: <c>failed</c> (a crash, or the
/// start limit hit, so systemd will not try again) → <c>systemctl reset-failed</c> then <c>start</c>, within
/// the budget, alerting; <c>inactive</c> (someone stopped it) → alert only, never start it. One alert per
/// outage; resolved when AMI is back. Each look runs <c>systemctl</c>, a process: while the state stays the same
/// the looks back off from the healing tick to <see cref="MaxLookInterval"/>, and a new state starts over.
/// </summary>
public sealed class AsteriskServiceMonitor(
    HealingOptions options,
    IPbxHealthSource pbx,
    IServiceManager service,
    RemediationBudget budget,
    RemediationRunner runner,
    IAlertPublisher alerts,
    TimeProvider time,
    ILogger<AsteriskServiceMonitor> logger,
    IActuatorGate? gate = null)
{
    /// <summary>
    /// Longest wait between two looks at an unchanged unit state while AMI stays down. A look forks
    /// <c>systemctl</c> (measured on a 2-vCPU VM: about 20 ms of the agent's CPU and 60 ms of systemctl's), so
    /// at one a minute the looks alone were most of an idle agent's cost; a state that changes long into an
    /// outage is seen within five minutes, and AMI coming back is seen at once.
    /// </summary>
    public static readonly TimeSpan MaxLookInterval = TimeSpan.FromMinutes(5);

    private string? _alertedState;
    private DateTimeOffset? _startedForOutage;
    private DateTimeOffset _nextLookAt;
    private readonly ReconnectBackoff _looks = new(options.TickInterval, MaxLookInterval, jitter: 0);
    private int _unchangedLooks;

    /// <summary>The unit state last read while AMI was down (null while AMI is up).</summary>
    public string? LastState { get; private set; }

    /// <summary>One look.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        var view = pbx.Current;
        var now = time.GetUtcNow();
        if (view.AmiUnusableSince is not { } since)
        {
            if (_alertedState is not null)
            {
                alerts.Publish(new Alert(AlertKind.AsteriskUp, AlertSeverity.Info, "asterisk", now));
            }
            _alertedState = null;
            _startedForOutage = null;
            LastState = null;
            _nextLookAt = DateTimeOffset.MinValue;
            return;
        }
        if (now - since < options.ServiceCheckAfter || now < _nextLookAt)
        {
            return;
        }

        var state = await service.StateAsync(ct).ConfigureAwait(false);
        _unchangedLooks = state == LastState ? _unchangedLooks + 1 : 0;
        _nextLookAt = now + _looks.DelayFor(_unchangedLooks);
        LastState = state;
        if (state is not ("failed" or "inactive"))
        {
            return; // active (then the hung monitor judges), activating, unknown: nothing to say yet
        }
        if (_alertedState != state)
        {
            _alertedState = state;
            LogMessages.AsteriskServiceDown(logger, state);
            alerts.Publish(new Alert(AlertKind.AsteriskDown, AlertSeverity.Critical, "asterisk", now)
            {
                Details = new Dictionary<string, string> { ["state"] = state },
            });
        }
        if (state != "failed" || !options.Enabled || gate?.Paused == true || _startedForOutage == since)
        {
            return;
        }
        if (budget.TryAcquire(HealingLabels.StartAsterisk) != BudgetVerdict.Allowed)
        {
            return;
        }
        _startedForOutage = since;
        await runner.RunAsync(HealingLabels.StartAsterisk, HealingLabels.ServiceFailed, "asterisk", ct).ConfigureAwait(false);
    }
}
