using Microsoft.Extensions.Logging;
using Watchdog.Agent.Alerting;
using Watchdog.Ami;
using Watchdog.Agent.Actuators;

namespace Watchdog.Agent.Healing;

/// <summary>
/// Asterisk is hung when AMI has been unusable (refused, or pings unanswered) for longer than the
/// threshold while its service is up: then it is restarted through the service manager, within the
/// shared budget. A service that is down is systemd's to restart; the agent only alerts. So does it when
/// the fault is on our side — AMI never worked since the agent started (wrong host, port or user), or
/// Asterisk refused our login or spoke something that is not AMI: restarting Asterisk would not help, and
/// a wrong password must never be able to restart the PBX. Silence from an endpoint that spoke AMI earlier
/// in this run (pings unanswered, then no banner on reconnect) is a hang; a second opinion,
/// <c>asterisk -rx</c> on the control socket with its own short timeout, vetoes the restart when it answers.
/// </summary>
public sealed class HungAsteriskMonitor(
    HealingOptions options,
    IPbxHealthSource pbx,
    IServiceManager service,
    RemediationBudget budget,
    RemediationRunner runner,
    IAlertPublisher alerts,
    TimeProvider time,
    ILogger<HungAsteriskMonitor> logger,
    IActuatorGate? gate = null,
    AsteriskConsoleProbe? console = null)
{
    private DateTimeOffset? _actedForOutageStartingAt;
    private bool _downAlerted;

    /// <summary>One look; acts at most once per outage.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        var view = pbx.Current;
        var now = time.GetUtcNow();
        if (view.AmiUnusableSince is not { } since)
        {
            if (_downAlerted)
            {
                _downAlerted = false;
                alerts.Publish(new Alert(AlertKind.AmiUp, AlertSeverity.Info, "ami", now));
            }
            _actedForOutageStartingAt = null;
            return;
        }

        var outage = now - since;
        if (outage < options.HungThreshold || _actedForOutageStartingAt == since)
        {
            return;
        }
        if (!_downAlerted)
        {
            _downAlerted = true;
            alerts.Publish(new Alert(AlertKind.AmiDown, AlertSeverity.Critical, "ami", now)
            {
                Details = new Dictionary<string, string> { ["seconds"] = ((int)outage.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) },
            });
        }
        if (!options.Enabled || gate?.Paused == true || !view.AmiEverLoggedIn || view.AmiDisconnectReason is nameof(AmiDisconnectReason.AuthenticationFailed) or nameof(AmiDisconnectReason.ProtocolError))
        {
            return;
        }
        if (!await service.IsActiveAsync(ct).ConfigureAwait(false))
        {
            return;
        }
        if (console is not null && await console.AnswersAsync(ct).ConfigureAwait(false) == true)
        {
            // The control socket answers: Asterisk's core works, only AMI does not. A restart would drop calls for that.
            LogMessages.ConsoleAnswers(logger);
            return;
        }
        LogMessages.AsteriskHung(logger, outage.TotalSeconds);
        if (budget.TryAcquire(HealingLabels.RestartAsterisk) != BudgetVerdict.Allowed)
        {
            return;
        }
        _actedForOutageStartingAt = since;
        await runner.RunAsync(HealingLabels.RestartAsterisk, HealingLabels.AmiHung, "asterisk", ct).ConfigureAwait(false);
    }
}
