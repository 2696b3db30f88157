namespace Watchdog.Agent.Fleet;

/// <summary>
/// Drops decisions seen before (by id) and decisions whose signed timestamp is outside the window. The set of
/// seen ids is bounded: the oldest are forgotten first, and a forgotten id is also past the window by then
/// as long as the capacity covers the window's traffic (the cap on remote bans bounds that).
/// </summary>
public sealed class ReplayGuard(int capacity, TimeSpan window, TimeSpan maxSkew)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _lock = new();

    /// <summary>What <see cref="Check"/> found.</summary>
    public enum Verdict
    {
        /// <summary>New and inside the window: apply it.</summary>
        Fresh,
        /// <summary>This id was seen before.</summary>
        Replayed,
        /// <summary>Issued before the window (or too far in the future).</summary>
        Stale,
    }

    /// <summary>True when <paramref name="id"/> was accepted before (and is still remembered).</summary>
    public bool Seen(string id)
    {
        lock (_lock)
        {
            return _seen.Contains(id);
        }
    }

    /// <summary>Checks a decision and remembers its id when fresh.</summary>
    public Verdict Check(string id, DateTimeOffset issuedAt, DateTimeOffset now)
    {
        if (issuedAt < now - window || issuedAt > now + maxSkew)
        {
            return Verdict.Stale;
        }

        lock (_lock)
        {
            if (!_seen.Add(id))
            {
                return Verdict.Replayed;
            }

            _order.Enqueue(id);
            while (_order.Count > capacity)
            {
                _seen.Remove(_order.Dequeue());
            }
        }

        return Verdict.Fresh;
    }
}
