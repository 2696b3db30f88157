namespace Watchdog.Agent.Healing;

/// <summary>What the budget says to a proposed action.</summary>
public enum BudgetVerdict
{
    /// <summary>Go ahead (the action is now counted).</summary>
    Allowed,
    /// <summary>The same action ran too recently.</summary>
    CoolingDown,
    /// <summary>Too many actions in the last hour: stop acting, alert instead.</summary>
    CapReached,
}

/// <summary>
/// Keeps healing from making things worse: a cap on actions of any kind in a sliding hour, and a
/// cooldown per action. Shared by every healer so that together they cannot storm the PBX.
/// </summary>
public sealed class RemediationBudget(HealingOptions options, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private readonly Queue<DateTimeOffset> _recent = new();
    private readonly Dictionary<string, DateTimeOffset> _lastByAction = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Actions counted in the last hour.</summary>
    public int UsedInLastHour
    {
        get
        {
            lock (_gate)
            {
                Prune(time.GetUtcNow());
                return _recent.Count;
            }
        }
    }

    /// <summary>Whether the hourly cap is reached right now.</summary>
    public bool CapReached => UsedInLastHour >= options.MaxActionsPerHour;

    /// <summary>Asks for one action; when allowed it is counted at once.</summary>
    public BudgetVerdict TryAcquire(string action)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Prune(now);
            if (_recent.Count >= options.MaxActionsPerHour)
            {
                return BudgetVerdict.CapReached;
            }
            if (_lastByAction.TryGetValue(action, out var last) && now - last < options.CooldownOf(action))
            {
                return BudgetVerdict.CoolingDown;
            }
            _recent.Enqueue(now);
            _lastByAction[action] = now;
            return BudgetVerdict.Allowed;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        while (_recent.TryPeek(out var oldest) && now - oldest >= Window)
        {
            _recent.Dequeue();
        }
    }
}
