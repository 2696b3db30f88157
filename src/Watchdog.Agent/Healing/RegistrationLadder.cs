using Watchdog.Agent.Actuators;
namespace Watchdog.Agent.Healing;

/// <summary>What the ladder wants done for one registration at this tick.</summary>
public enum LadderDecisionKind
{
    /// <summary>Run <see cref="LadderDecision.Action"/> now.</summary>
    Act,
    /// <summary>The registration came back; <see cref="LadderDecision.Action"/> is the last step that ran, if any.</summary>
    Recovered,
    /// <summary>Every step ran and it is still down: alert.</summary>
    Exhausted,
    /// <summary>The next step is a restart and calls are up; waiting (until the deadline).</summary>
    WaitingForCalls,
    /// <summary>The hourly cap stopped the next step: alert.</summary>
    CapReached,
}

/// <summary>One decision of the ladder.</summary>
public sealed record LadderDecision(string Registration, LadderDecisionKind Kind, string? Action, string Reason, string? Cause);

/// <summary>
/// The escalation ladder for outbound registrations: after a grace period (none when Asterisk has given
/// up on the registration), re-register; if it is not back after a wait, reload res_pjsip; then restart
/// Asterisk — the restart waiting for calls to end unless a deadline passes. Every step asks the shared
/// <see cref="RemediationBudget"/> first. Pure apart from the budget: time and state come in as arguments.
/// </summary>
public sealed class RegistrationLadder(HealingOptions options, RemediationBudget budget)
{
    private readonly Dictionary<string, Progress> _progress = new(StringComparer.Ordinal);

    private (string Action, TimeSpan Wait)[] Steps =>
    [
        (HealingLabels.Reregister, options.ReregisterWait),
        (HealingLabels.ReloadPjsip, options.ReloadWait),
        (HealingLabels.RestartAsterisk, options.RestartWait),
    ];

    /// <summary>Looks at every registration and says what to do now.</summary>
    public IReadOnlyList<LadderDecision> Evaluate(DateTimeOffset now, PbxHealthView view, Func<RegistrationObservation, RegistrationFailure?> failureOf)
    {
        var decisions = new List<LadderDecision>();
        foreach (var r in view.Registrations)
        {
            var decision = EvaluateOne(now, r, failureOf(r), view.ActiveChannels);
            if (decision is not null)
            {
                decisions.Add(decision);
            }
        }
        foreach (var gone in _progress.Keys.Except(view.Registrations.Select(r => r.Name)).ToList())
        {
            _progress.Remove(gone);
        }
        return decisions;
    }

    private LadderDecision? EvaluateOne(DateTimeOffset now, RegistrationObservation r, RegistrationFailure? failure, int activeChannels)
    {
        if (r.Registered)
        {
            if (_progress.Remove(r.Name, out var done) && done.LastAction is not null)
            {
                return new LadderDecision(r.Name, LadderDecisionKind.Recovered, done.LastAction, done.Reason, done.Cause);
            }
            return null;
        }

        var permanent = failure?.Permanent == true;
        var reason = permanent ? HealingLabels.RegistrationStopped : HealingLabels.RegistrationLost;
        if (!_progress.TryGetValue(r.Name, out var p))
        {
            p = _progress[r.Name] = new Progress(r.Since);
        }
        p.Reason = reason;
        p.Cause = failure?.Cause ?? p.Cause;

        if (p.ExhaustedAt is { } exhausted)
        {
            if (now - exhausted < options.LadderResetAfter)
            {
                return null;
            }
            _progress[r.Name] = p = new Progress(now) { Reason = reason, Cause = p.Cause };
        }

        if (p.NextStep == 0 && !permanent && now - p.DownSince < options.RegistrationGrace)
        {
            return null;
        }
        if (p.ActedAt is { } acted && now - acted < Steps[p.NextStep - 1].Wait)
        {
            return null; // the last step still has time to work
        }
        if (p.NextStep >= Steps.Length)
        {
            p.ExhaustedAt = now;
            return new LadderDecision(r.Name, LadderDecisionKind.Exhausted, p.LastAction, reason, p.Cause);
        }

        var (action, _) = Steps[p.NextStep];
        if (action == HealingLabels.RestartAsterisk && activeChannels > 0)
        {
            p.CallsWaitSince ??= now;
            if (now - p.CallsWaitSince < options.RestartCallsDeadline)
            {
                return new LadderDecision(r.Name, LadderDecisionKind.WaitingForCalls, action, reason, p.Cause);
            }
        }

        switch (budget.TryAcquire(action))
        {
            case BudgetVerdict.CapReached:
                return new LadderDecision(r.Name, LadderDecisionKind.CapReached, action, reason, p.Cause);
            case BudgetVerdict.CoolingDown:
                return null;
        }
        p.ActedAt = now;
        p.LastAction = action;
        p.NextStep++;
        p.CallsWaitSince = null;
        return new LadderDecision(r.Name, LadderDecisionKind.Act, action, reason, p.Cause);
    }

    private sealed class Progress(DateTimeOffset downSince)
    {
        public DateTimeOffset DownSince { get; } = downSince;
        public int NextStep { get; set; }
        public DateTimeOffset? ActedAt { get; set; }
        public string? LastAction { get; set; }
        public DateTimeOffset? CallsWaitSince { get; set; }
        public DateTimeOffset? ExhaustedAt { get; set; }
        public string Reason { get; set; } = HealingLabels.RegistrationLost;
        public string? Cause { get; set; }
    }
}
