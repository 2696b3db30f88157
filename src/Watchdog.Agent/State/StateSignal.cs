namespace Watchdog.Agent.State;

/// <summary>
/// "Something a watcher cares about changed": a version that writers bump with <see cref="Notify"/> and
/// watchers wait on with <see cref="WaitAsync"/> instead of polling on a timer. A notify with nobody waiting
/// costs one interlocked increment (no allocation, no wake-up), so it may be called on the AMI dispatch path.
/// </summary>
/// <remarks>
/// A watcher reads <see cref="Version"/>, looks at the state, then waits for a version past the one it read:
/// a change between the look and the wait is never missed, and any number of changes while it looks wake it
/// once.
/// </remarks>
public sealed class StateSignal
{
    private long _version;
    private TaskCompletionSource? _waiter;

    /// <summary>Bumped by every <see cref="Notify"/>.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Records a change and wakes the watcher waiting for one, if any (its continuation runs on the pool).</summary>
    public void Notify()
    {
        Interlocked.Increment(ref _version);
        if (Volatile.Read(ref _waiter) is not null) Interlocked.Exchange(ref _waiter, null)?.TrySetResult();
    }

    /// <summary>Completes once <see cref="Version"/> is past <paramref name="seen"/>; at once if it already is. One watcher at a time.</summary>
    public async Task WaitAsync(long seen, CancellationToken ct)
    {
        if (Version != seen) return;
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _waiter, waiter);
        // A notify between the check above and publishing the waiter found nobody to wake: look again.
        if (Version != seen)
        {
            Interlocked.CompareExchange(ref _waiter, null, waiter);
            return;
        }
        await waiter.Task.WaitAsync(ct).ConfigureAwait(false);
    }
}
