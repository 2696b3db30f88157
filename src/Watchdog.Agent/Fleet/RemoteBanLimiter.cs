namespace Watchdog.Agent.Fleet;

/// <summary>At most N remote bans in any sliding minute, so a poisoned agent cannot fill the firewall.</summary>
public sealed class RemoteBanLimiter(int perMinute)
{
    private readonly Queue<DateTimeOffset> _recent = new();
    private readonly Lock _lock = new();

    /// <summary>True (and counted) when one more ban may be applied at <paramref name="now"/>.</summary>
    public bool TryAcquire(DateTimeOffset now)
    {
        lock (_lock)
        {
            while (_recent.Count > 0 && now - _recent.Peek() >= TimeSpan.FromMinutes(1))
            {
                _recent.Dequeue();
            }

            if (_recent.Count >= perMinute)
            {
                return false;
            }

            _recent.Enqueue(now);
            return true;
        }
    }
}
