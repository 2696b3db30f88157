using System.Globalization;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Detection;
using Watchdog.Agent.State;

namespace Watchdog.Agent.Healing;

/// <summary>
/// Brings outbound registrations back: at each tick it reads the PBX view, lets the
/// <see cref="RegistrationLadder"/> (timing) and <see cref="HealingPolicy"/> (what) decide, runs what
/// was decided, and alerts on loss (once, naming the cause and what to check), recovery (naming what
/// really happened), an exhausted policy, and the hourly cap. Once a registration is down past its grace for a cause
/// other than the credentials, it gathers the evidence the policy weighs: whether the server URI's host resolves
/// (<see cref="IServerNameResolver"/>) and whether Asterisk's PJSIP stack answers AMI (<see cref="IPjsipProbe"/>).
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
    ILogger<RegistrationHealer> logger,
    IPjsipConfigProbe? config = null,
    IActuatorGate? gate = null,
    IPjsipProbe? pjsip = null,
    IServerNameResolver? names = null)
{
    private static readonly TimeSpan ConfigFactsMaxAge = TimeSpan.FromSeconds(20);
    private readonly Dictionary<string, (DateTimeOffset At, bool? Resolves)> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private IReadOnlyDictionary<string, bool?> _serverResolves = new Dictionary<string, bool?>();
    private bool _pjsipAnswering = true;
    private readonly HashSet<string> _alertedLost = new(StringComparer.Ordinal);
    private readonly HashSet<string> _waitingLogged = new(StringComparer.Ordinal);
    private bool _capAlerted;
    private (DateTimeOffset At, PjsipConfigFacts Facts)? _configFacts;

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
        IReadOnlyList<LadderDecision> decisions = [];
        if (options.Enabled && gate?.Paused != true)
        {
            var evidence = view.Registrations.Any(r => !r.Registered) ? await ConfigEvidenceAsync(now, ct).ConfigureAwait(false) : null;
            var deciding = view.Registrations.Where(r => !r.Registered && Deciding(r, now)).ToList();
            _serverResolves = await ServerEvidenceAsync(deciding, now, ct).ConfigureAwait(false);
            if (deciding.Count > 0 && pjsip is not null)
            {
                evidence = (evidence ?? new PbxEvidence()) with { PjsipAnswering = await PjsipAnsweringAsync(ct).ConfigureAwait(false) };
            }
            decisions = ladder.Evaluate(now, view, causes.For, evidence, _serverResolves);
        }
        foreach (var d in decisions.Where(d => d.Kind == LadderDecisionKind.Recovered))
        {
            Recovered(d, now); // before the restored alert, which names what happened
        }
        AlertLosses(view, now);

        foreach (var d in decisions)
        {
            switch (d.Kind)
            {
                case LadderDecisionKind.Act:
                    _waitingLogged.Remove(d.Registration);
                    await runner.RunAsync(d.Action!, d.Reason, d.Registration, ct, d.Cause).ConfigureAwait(false);
                    if (d.Action == HealingLabels.ReloadPjsip) config?.Reloaded(time.GetUtcNow());
                    break;
                case LadderDecisionKind.NotHealed:
                    LogMessages.ActionDidNotHeal(logger, d.Action!, d.Registration, d.Cause ?? "unknown");
                    break;
                case LadderDecisionKind.Exhausted:
                    LogMessages.LadderExhausted(logger, d.Registration, d.Cause ?? "unknown", d.Class, d.Check);
                    if (d.Class == FailureClass.Credentials)
                    {
                        break; // the loss alert already named the cause and what to check: alert once
                    }
                    alerts.Publish(new Alert(AlertKind.RegistrationLost, AlertSeverity.Critical, d.Registration, now)
                    {
                        Key = $"ladder-exhausted:{d.Registration}",
                        Details = Details(d, "nothing more the watchdog may do; the registration is still down"),
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

    /// <summary>A registration the policy is about to decide on for a cause that is not the credentials: down past its grace, or given up.</summary>
    private bool Deciding(RegistrationObservation r, DateTimeOffset now)
    {
        var failure = causes.For(r);
        return HealingPolicy.Classify(failure?.Cause) != FailureClass.Credentials
            && (failure?.Permanent == true || now - r.Since >= options.RegistrationGrace);
    }

    private async Task<IReadOnlyDictionary<string, bool?>> ServerEvidenceAsync(
        IReadOnlyList<RegistrationObservation> deciding, DateTimeOffset now, CancellationToken ct)
    {
        var resolves = new Dictionary<string, bool?>(StringComparer.Ordinal);
        if (names is null)
        {
            return resolves;
        }
        foreach (var r in deciding)
        {
            var host = SipUri.Host(r.ServerUri);
            if (host.Length == 0)
            {
                continue;
            }
            var seen = _hosts.TryGetValue(host, out var known);
            if (!seen || now - known.At >= ConfigFactsMaxAge)
            {
                var before = seen ? known.Resolves : null;
                _hosts[host] = known = (now, await names.ResolvesAsync(r.ServerUri, ct).ConfigureAwait(false));
                if (known.Resolves == false && before != false) LogMessages.ServerDoesNotResolve(logger, r.Name, host);
            }
            resolves[r.Name] = known.Resolves;
        }
        return resolves;
    }

    private async Task<bool> PjsipAnsweringAsync(CancellationToken ct)
    {
        var answering = await pjsip!.AnsweringAsync(ct).ConfigureAwait(false);
        if (!answering && _pjsipAnswering) LogMessages.PjsipNotAnswering(logger);
        _pjsipAnswering = answering;
        return answering;
    }

    private async Task<PbxEvidence?> ConfigEvidenceAsync(DateTimeOffset now, CancellationToken ct)
    {
        if (config is null)
        {
            return null;
        }
        if (_configFacts is not { } cached || now - cached.At >= ConfigFactsMaxAge)
        {
            _configFacts = cached = (now, await config.ReadAsync(ct).ConfigureAwait(false));
        }
        return new PbxEvidence(ConfigNewerThanReload: cached.Facts.NewerThanReload);
    }

    private void Recovered(LadderDecision d, DateTimeOffset now)
    {
        var back = d.BackAt ?? now;
        var seconds = Math.Max(0, Math.Round((back - d.ActedAt!.Value).TotalSeconds));
        if (d.Healed)
        {
            runner.CountHealed(d.Action!, d.Reason, d.Registration);
            LogMessages.RegistrationRecovered(logger, d.Registration, d.Reason, d.Action!, seconds);
        }
        else
        {
            LogMessages.RegistrationBackOutsideAgent(logger, d.Registration, d.Reason, d.Action!, seconds, d.ActedAt.Value);
        }
        _recoveries[d.Registration] = new Dictionary<string, string>
        {
            ["last_action"] = d.Action!,
            ["last_action_at"] = d.ActedAt.Value.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
            ["seconds_after"] = seconds.ToString(CultureInfo.InvariantCulture),
            ["healed"] = d.Healed ? "true" : "false",
        };
    }

    private readonly Dictionary<string, Dictionary<string, string>> _recoveries = new(StringComparer.Ordinal);

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
                    var details = new Dictionary<string, string> { ["status"] = r.Status };
                    if (_recoveries.Remove(r.Name, out var recovery))
                    {
                        foreach (var (k, v) in recovery) details[k] = v;
                    }
                    alerts.Publish(new Alert(AlertKind.RegistrationRestored, AlertSeverity.Info, r.Name, now) { Details = details });
                }
            }
            else if ((failure?.Permanent == true || now - r.Since >= options.RegistrationGrace) && _alertedLost.Add(r.Name))
            {
                var details = new Dictionary<string, string> { ["status"] = r.Status };
                var cls = HealingPolicy.Classify(failure?.Cause);
                if (failure is not null)
                {
                    details["cause"] = failure.Cause;
                    details["permanent"] = failure.Permanent ? "true" : "false";
                }
                details["check"] = cls == FailureClass.Credentials ? HealingPolicy.CheckCredentials
                    : _serverResolves.GetValueOrDefault(r.Name) == false ? HealingPolicy.CheckDns
                    : HealingPolicy.CheckNetwork;
                if (details["check"] == HealingPolicy.CheckDns) details["server_uri"] = r.ServerUri;
                if (r.OutboundAuth.Length > 0) details["auth"] = r.OutboundAuth;
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
                Details = new Dictionary<string, string> { ["cap"] = options.MaxActionsPerHour.ToString(CultureInfo.InvariantCulture) },
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
        var details = new Dictionary<string, string> { ["reason"] = d.Reason, ["note"] = note, ["check"] = d.Check };
        if (d.Cause is not null) details["cause"] = d.Cause;
        if (d.Action is not null) details["last_action"] = d.Action;
        return details;
    }
}
