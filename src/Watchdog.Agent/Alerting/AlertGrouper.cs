namespace Watchdog.Agent.Alerting;

/// <summary>What <see cref="AlertGrouper.Admit"/> did with an alert.</summary>
internal enum AdmitOutcome
{
    /// <summary>Opened a new group; the caller must arrange a flush at <see cref="AlertGrouper.FlushDueAt"/>.</summary>
    OpenedGroup,
    /// <summary>Joined the group that is waiting to be sent.</summary>
    JoinedGroup,
    /// <summary>Same key seen inside the de-duplication window.</summary>
    Duplicate,
    /// <summary>A recovery whose problem was never sent: nobody needs to hear about either.</summary>
    ResolvedNothingSent,
    /// <summary>A recovery that cancelled its problem before the group was sent (a blip).</summary>
    CancelledPendingProblem,
}

/// <summary>
/// The pure part of the pipeline: de-duplication, grouping and resolution, driven by the times it is
/// given. Not thread-safe; <see cref="AlertDispatcher"/> serialises calls.
/// </summary>
internal sealed class AlertGrouper(TimeSpan groupWait, TimeSpan dedupWindow)
{
    private readonly List<Alert> _pending = [];
    private readonly Dictionary<string, DateTimeOffset> _lastAccepted = new(StringComparer.Ordinal);

    // Problems that went out in a group and have not been resolved yet, with the key they went out under.
    private readonly Dictionary<(AlertKind Kind, string Subject), string> _openProblems = [];

    /// <summary>When the waiting group must be sent, or null when nothing waits.</summary>
    public DateTimeOffset? FlushDueAt { get; private set; }

    public int PendingCount => _pending.Count;

    public AdmitOutcome Admit(Alert alert, DateTimeOffset now)
    {
        if (alert.IsResolved)
        {
            return AdmitRecovery(alert, now);
        }

        if (_lastAccepted.TryGetValue(alert.Key, out var last) && now - last < dedupWindow)
        {
            return AdmitOutcome.Duplicate;
        }

        _lastAccepted[alert.Key] = now;
        return Add(alert, now);
    }

    /// <summary>Takes the waiting group when it is due; null otherwise.</summary>
    public IReadOnlyList<Alert>? TakeDue(DateTimeOffset now) =>
        FlushDueAt is { } due && now >= due ? TakeAll(now) : null;

    /// <summary>Takes the waiting group now, due or not (the agent is stopping).</summary>
    public IReadOnlyList<Alert> TakeAll(DateTimeOffset now)
    {
        var batch = _pending.ToArray();
        _pending.Clear();
        FlushDueAt = null;
        foreach (var alert in batch)
        {
            if (AlertKinds.IsResolvable(alert.Kind))
            {
                _openProblems[(alert.Kind, alert.Subject)] = alert.Key;
            }
        }

        Prune(now);
        return batch;
    }

    private AdmitOutcome AdmitRecovery(Alert recovery, DateTimeOffset now)
    {
        var problem = (AlertKinds.ProblemResolvedBy(recovery.Kind)!.Value, recovery.Subject);
        var cancelled = _pending.FindAll(a => a.Kind == problem.Item1 && a.Subject == recovery.Subject);
        foreach (var pending in cancelled)
        {
            _pending.Remove(pending);
            _lastAccepted.Remove(pending.Key);
        }

        if (_pending.Count == 0)
        {
            FlushDueAt = null;
        }

        if (_openProblems.Remove(problem, out var problemKey))
        {
            // A relapse after this recovery must be told at once, not swallowed as a repeat.
            _lastAccepted.Remove(problemKey);
            return Add(recovery, now);
        }

        return cancelled.Count > 0 ? AdmitOutcome.CancelledPendingProblem : AdmitOutcome.ResolvedNothingSent;
    }

    private AdmitOutcome Add(Alert alert, DateTimeOffset now)
    {
        _pending.Add(alert);
        if (FlushDueAt is not null)
        {
            return AdmitOutcome.JoinedGroup;
        }

        FlushDueAt = now + groupWait;
        return AdmitOutcome.OpenedGroup;
    }

    private void Prune(DateTimeOffset now)
    {
        List<string>? stale = null;
        foreach (var (key, at) in _lastAccepted)
        {
            if (now - at >= dedupWindow)
            {
                (stale ??= []).Add(key);
            }
        }

        stale?.ForEach(k => _lastAccepted.Remove(k));
    }
}
