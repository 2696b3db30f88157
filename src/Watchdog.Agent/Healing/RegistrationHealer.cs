using Microsoft.Extensions.Logging;
using Watchdog.Agent.Alerting;

namespace Watchdog.Agent.Healing;

/// <summary>
/// Brings outbound registrations back: at each tick it reads the PBX view, lets the
/// <see cref="RegistrationLadder"/> decide, runs what it decided, and alerts on loss, recovery,
/// an exhausted ladder, and the hourly cap.
/// </summary>
public sealed class RegistrationHealer(
    HealingOptions options,
    IPbxHealthSource pbx,
    RegistrationLadder ladder,
    RegistrationCauses causes,
    RemediationBudget budget,
    RemediationRunner runner,
    HealingMetrics metrics,
    IAlertPublisher alerts,
    TimeProvider time,
    ILogger<RegistrationHealer> logger)
{
    private readonly HashSet<string> _alertedLost = new(StringComparer.Ordinal);
    private readonly HashSet<string> _waitingLogged = new(StringComparer.Ordinal);
    private bool _capAlerted;

    /// <summary>Ticks until cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.TickInterval, time);
        try
        {
            do
            {
                await TickAsync(ct).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>One look at the registrations and whatever it calls for.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        var view = pbx.Current;
        if (!view.AmiLoggedIn)
        {
            return; // blind: the hung-Asterisk monitor owns this case
        }
        var now = time.GetUtcNow();
        UpdateCap();
        AlertLosses(view, now);
        if (!options.Enabled)
        {
            return;
        }

        foreach (var d in ladder.Evaluate(now, view, causes.For))
        {
            switch (d.Kind)
            {
                case LadderDecisionKind.Act:
                    _waitingLogged.Remove(d.Registration);
                    await runner.RunAsync(d.Action!, d.Reason, d.Registration, ct, d.Cause).ConfigureAwait(false);
                    break;
                case LadderDecisionKind.Recovered:
                    LogMessages.RegistrationRecovered(logger, d.Registration, d.Reason, d.Action ?? "none");
                    break;
                case LadderDecisionKind.Exhausted:
                    LogMessages.LadderExhausted(logger, d.Registration);
                    alerts.Publish(new Alert(AlertKind.RegistrationLost, AlertSeverity.Critical, d.Registration, now)
                    {
                        Key = $"ladder-exhausted:{d.Registration}",
                        Details = Details(d, "every healing step ran; the registration is still down"),
                    });
                    break;
                case LadderDecisionKind.WaitingForCalls:
                    if (_waitingLogged.Add(d.Registration))
                    {
                        LogMessages.RestartWaitsForCalls(logger, view.ActiveChannels, now + options.RestartCallsDeadline);
                    }
                    break;
                case LadderDecisionKind.CapReached:
                    UpdateCap();
                    break;
            }
        }
    }

    private void AlertLosses(PbxHealthView view, DateTimeOffset now)
    {
        foreach (var r in view.Registrations)
        {
            var failure = causes.For(r);
            if (r.Registered)
            {
                causes.Clear(r);
                if (_alertedLost.Remove(r.Name))
                {
                    alerts.Publish(new Alert(AlertKind.RegistrationRestored, AlertSeverity.Info, r.Name, now)
                    {
                        Details = new Dictionary<string, string> { ["status"] = r.Status },
                    });
                }
            }
            else if ((failure?.Permanent == true || now - r.Since >= options.RegistrationGrace) && _alertedLost.Add(r.Name))
            {
                var details = new Dictionary<string, string> { ["status"] = r.Status };
                if (failure is not null)
                {
                    details["cause"] = failure.Cause;
                    details["permanent"] = failure.Permanent ? "true" : "false";
                }
                alerts.Publish(new Alert(AlertKind.RegistrationLost, AlertSeverity.Critical, r.Name, now) { Details = details });
            }
        }
    }

    private void UpdateCap()
    {
        var reached = budget.CapReached;
        metrics.CapReached(reached);
        if (reached && !_capAlerted)
        {
            _capAlerted = true;
            LogMessages.CapReached(logger, budget.UsedInLastHour, options.MaxActionsPerHour);
            alerts.Publish(new Alert(AlertKind.RemediationCapReached, AlertSeverity.Critical, "healing", time.GetUtcNow())
            {
                Details = new Dictionary<string, string> { ["cap"] = options.MaxActionsPerHour.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            });
        }
        else if (!reached && _capAlerted)
        {
            _capAlerted = false;
            LogMessages.CapCleared(logger);
            alerts.Publish(new Alert(AlertKind.RemediationCapCleared, AlertSeverity.Info, "healing", time.GetUtcNow()));
        }
    }

    private static Dictionary<string, string> Details(LadderDecision d, string note)
    {
        var details = new Dictionary<string, string> { ["reason"] = d.Reason, ["note"] = note };
        if (d.Cause is not null) details["cause"] = d.Cause;
        return details;
    }
}
