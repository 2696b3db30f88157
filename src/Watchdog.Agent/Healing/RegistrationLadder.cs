using Watchdog.Agent.Actuators;
namespace Watchdog.Agent.Healing;

/// <summary>What the ladder wants done for one registration at this tick.</summary>
public enum LadderDecisionKind
{
    /// <summary>Run <see cref="LadderDecision.Action"/> now.</summary>
    Act,
    /// <summary>The registration came back; <see cref="LadderDecision.Action"/> is the last step that ran, if any.</summary>
    Recovered,
    /// <summary>The policy has nothing more the agent may do: alert with what to check.</summary>
    Exhausted,
    /// <summary>The next step is a restart and calls are up; waiting (until the deadline).</summary>
    WaitingForCalls,
    /// <summary>The hourly cap stopped the next step: alert.</summary>
    CapReached,
    /// <summary>The last action's wait passed and the registration is still down: that action did not heal it.</summary>
    NotHealed,
}

/// <summary>One decision of the ladder.</summary>
/// <param name="Registration">The registration's name.</param>
/// <param name="Kind">What to do.</param>
/// <param name="Action">The action to run (Act), the last one that ran (Recovered, NotHealed, Exhausted), or the blocked one.</param>
/// <param name="Reason">registration_lost or registration_stopped.</param>
/// <param name="Cause">The cause read from Asterisk's log, when known.</param>
public sealed record LadderDecision(string Registration, LadderDecisionKind Kind, string? Action, string Reason, string? Cause)
{
    /// <summary>The cause's family.</summary>
    public FailureClass Class { get; init; } = FailureClass.Unknown;

    /// <summary>What the operator should check (a <see cref="HealingPolicy"/> check key).</summary>
    public string Check { get; init; } = HealingPolicy.CheckNetwork;

    /// <summary>When <see cref="Action"/> ran (Recovered, NotHealed).</summary>
    public DateTimeOffset? ActedAt { get; init; }

    /// <summary>Recovered: the registration came back within the last action's wait (the action healed it).</summary>
    public bool Healed { get; init; }

    /// <summary>Recovered: when the registration was back.</summary>
    public DateTimeOffset? BackAt { get; init; }
}

/// <summary>
/// The timing around <see cref="HealingPolicy"/> for outbound registrations: a grace period (none when
/// Asterisk has given up on the registration), then the policy's next step; each step gets its wait to
/// work before the policy is asked again; a restart waits for calls to end unless a deadline passes;
/// every step asks the shared <see cref="RemediationBudget"/> first. Time and state come in as arguments.
/// </summary>
public sealed class RegistrationLadder(HealingOptions options, RemediationBudget budget)
{
    private readonly Dictionary<string, Progress> _progress = new(StringComparer.Ordinal);

    /// <summary>How long an action gets to work before it is judged.</summary>
    public TimeSpan WaitOf(string action) => action switch
    {
        HealingLabels.Reregister => options.ReregisterWait,
        HealingLabels.ReloadPjsip => options.ReloadWait,
        _ => options.RestartWait,
    };

    /// <summary>
    /// Looks at every registration and says what to do now. <paramref name="configEvidence"/> holds what is true for the
    /// whole PBX (the config's age, whether PJSIP answers); <paramref name="serverResolves"/> whether each registration's
    /// server URI host resolves, by registration name (absent: not checked).
    /// </summary>
    public IReadOnlyList<LadderDecision> Evaluate(
        DateTimeOffset now, PbxHealthView view, Func<RegistrationObservation, RegistrationFailure?> failureOf, PbxEvidence? configEvidence = null,
        IReadOnlyDictionary<string, bool?>? serverResolves = null)
    {
        var decisions = new List<LadderDecision>();
        foreach (var r in view.Registrations)
        {
            var evidence = serverResolves?.TryGetValue(r.Name, out var resolves) == true
                ? (configEvidence ?? new PbxEvidence()) with { ServerResolves = resolves }
                : configEvidence;
            decisions.AddRange(EvaluateOne(now, r, failureOf(r), view, evidence));
        }
        foreach (var gone in _progress.Keys.Except(view.Registrations.Select(r => r.Name)).ToList())
        {
            _progress.Remove(gone);
        }
        return decisions;
    }

    /// <summary>The evidence of <paramref name="view"/> about one registration (the other registrations and the qualified contacts).</summary>
    public static PbxEvidence EvidenceFor(PbxHealthView view, RegistrationObservation r, PbxEvidence? configEvidence) =>
        (configEvidence ?? new PbxEvidence()) with
        {
            OtherRegistrationsDown = view.Registrations.Count(o => o.Name != r.Name && !o.Registered),
            OtherRegistrationsUp = view.Registrations.Count(o => o.Name != r.Name && o.Registered),
            QualifiedContactsReachable = view.QualifiedContactsReachable,
            QualifiedContactsUnreachable = view.QualifiedContactsUnreachable,
        };

    private IEnumerable<LadderDecision> EvaluateOne(
        DateTimeOffset now, RegistrationObservation r, RegistrationFailure? failure, PbxHealthView view, PbxEvidence? configEvidence)
    {
        if (r.Registered)
        {
            if (_progress.Remove(r.Name, out var done) && done.LastAction is { } last && done.ActedAt is { } acted)
            {
                var back = r.Since;
                var healed = back >= acted && back - acted <= WaitOf(last);
                yield return new LadderDecision(r.Name, LadderDecisionKind.Recovered, last, done.Reason, done.Cause)
                {
                    Class = done.Class, ActedAt = acted, Healed = healed, BackAt = back,
                };
            }
            yield break;
        }

        var permanent = failure?.Permanent == true;
        var reason = permanent ? HealingLabels.RegistrationStopped : HealingLabels.RegistrationLost;
        if (!_progress.TryGetValue(r.Name, out var p))
        {
            p = _progress[r.Name] = new Progress(r.Since);
        }
        p.Reason = reason;
        p.Cause = failure?.Cause ?? p.Cause;
        p.Class = HealingPolicy.Classify(p.Cause);

        if (p.ExhaustedAt is { } exhausted)
        {
            if (now - exhausted < options.LadderResetAfter)
            {
                yield break;
            }
            _progress[r.Name] = p = new Progress(now) { Reason = reason, Cause = p.Cause, Class = p.Class };
        }

        if (p.Done.Count == 0 && !permanent && now - p.DownSince < options.RegistrationGrace)
        {
            yield break;
        }
        if (p.ActedAt is { } actedAt && p.LastAction is { } lastAction)
        {
            if (now - actedAt < WaitOf(lastAction))
            {
                yield break; // the last step still has time to work
            }
            if (!p.Judged)
            {
                p.Judged = true;
                yield return Decision(r, p, LadderDecisionKind.NotHealed, lastAction, HealingPolicy.CheckNetwork) with { ActedAt = actedAt };
            }
        }

        var next = HealingPolicy.Decide(p.Class, p.Done, EvidenceFor(view, r, configEvidence));
        if (next.Action is not { } action)
        {
            p.ExhaustedAt = now;
            yield return Decision(r, p, LadderDecisionKind.Exhausted, p.LastAction, next.Check);
            yield break;
        }

        if (action == HealingLabels.RestartAsterisk && view.ActiveChannels > 0)
        {
            p.CallsWaitSince ??= now;
            if (now - p.CallsWaitSince < options.RestartCallsDeadline)
            {
                yield return Decision(r, p, LadderDecisionKind.WaitingForCalls, action, next.Check);
                yield break;
            }
        }

        switch (budget.TryAcquire(action))
        {
            case BudgetVerdict.CapReached:
                yield return Decision(r, p, LadderDecisionKind.CapReached, action, next.Check);
                yield break;
            case BudgetVerdict.CoolingDown:
                yield break;
        }
        p.ActedAt = now;
        p.LastAction = action;
        p.Judged = false;
        p.Done.Add(action);
        p.CallsWaitSince = null;
        yield return Decision(r, p, LadderDecisionKind.Act, action, next.Check);
    }

    private static LadderDecision Decision(RegistrationObservation r, Progress p, LadderDecisionKind kind, string? action, string check) =>
        new(r.Name, kind, action, p.Reason, p.Cause) { Class = p.Class, Check = check };

    private sealed class Progress(DateTimeOffset downSince)
    {
        public DateTimeOffset DownSince { get; } = downSince;
        public List<string> Done { get; } = [];
        public DateTimeOffset? ActedAt { get; set; }
        public string? LastAction { get; set; }
        public bool Judged { get; set; }
        public DateTimeOffset? CallsWaitSince { get; set; }
        public DateTimeOffset? ExhaustedAt { get; set; }
        public string Reason { get; set; } = HealingLabels.RegistrationLost;
        public string? Cause { get; set; }
        public FailureClass Class { get; set; } = FailureClass.Unknown;
    }
}
