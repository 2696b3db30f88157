namespace Watchdog.Agent.Alerting;

/// <summary>One thing the agent did (or would have done in dry-run), for <c>watchdog status</c>.</summary>
public sealed record ActionRecord(DateTimeOffset At, string Action, string Reason, string Target, string Outcome);

/// <summary>The most recent actions, newest last; bounded.</summary>
public sealed class ActionLog(int capacity = 50)
{
    private readonly Queue<ActionRecord> _records = new();
    private readonly Lock _gate = new();

    /// <summary>Remembers an action, forgetting the oldest past the capacity.</summary>
    public void Record(ActionRecord record)
    {
        lock (_gate)
        {
            _records.Enqueue(record);
            while (_records.Count > capacity) _records.Dequeue();
        }
    }

    /// <summary>The remembered actions, oldest first.</summary>
    public IReadOnlyList<ActionRecord> Recent()
    {
        lock (_gate) return [.. _records];
    }
}
