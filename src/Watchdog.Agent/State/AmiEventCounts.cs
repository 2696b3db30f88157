using System.Collections.Concurrent;

namespace Watchdog.Agent.State;

/// <summary>
/// Counts AMI events by name, and when the last one arrived. Written on the dispatch loop for every
/// event, so it is a mutable, thread-safe counter rather than part of the immutable snapshot. The
/// first <see cref="MaxNames"/> distinct names are counted apart; later ones under <see cref="OtherName"/>,
/// so a flood of odd event names cannot grow it without bound.
/// </summary>
public sealed class AmiEventCounts
{
    /// <summary>Distinct names counted apart.</summary>
    public const int MaxNames = 200;

    /// <summary>The bucket for names beyond <see cref="MaxNames"/>.</summary>
    public const string OtherName = "other";

    private readonly ConcurrentDictionary<string, Box> _counts = new(StringComparer.Ordinal);
    private long _lastEventTicks;

    /// <summary>Counts one event named <paramref name="name"/> at <paramref name="at"/>.</summary>
    public void Record(string name, DateTimeOffset at)
    {
        if (!_counts.TryGetValue(name, out var box))
        {
            box = _counts.Count < MaxNames ? _counts.GetOrAdd(name, static _ => new Box()) : _counts.GetOrAdd(OtherName, static _ => new Box());
        }
        Interlocked.Increment(ref box.Value);
        Volatile.Write(ref _lastEventTicks, at.UtcTicks);
    }

    /// <summary>When the last event arrived; null before the first.</summary>
    public DateTimeOffset? LastEventAt => Volatile.Read(ref _lastEventTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    /// <summary>The counts so far, by name.</summary>
    public IEnumerable<KeyValuePair<string, long>> Snapshot()
    {
        foreach (var (name, box) in _counts)
        {
            yield return new(name, Volatile.Read(ref box.Value));
        }
    }

    private sealed class Box
    {
        public long Value;
    }
}
