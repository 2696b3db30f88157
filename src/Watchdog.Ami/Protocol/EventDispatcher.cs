using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace Watchdog.Ami.Protocol;

/// <summary>
/// Delivers the client's live stream to its observers, in order, one item at a time, without a thread
/// of its own. Whoever hands over work — the socket reader after each read, the connection loop with a
/// state change — delivers it on the spot when no delivery is under way, so a steady stream costs no
/// thread hop: no second thread is woken per read, and none needs to be free in the pool. Only when an
/// observer returns a task that is not yet complete does delivery continue asynchronously (on the pool,
/// after that task), while the reader goes back to the socket and its events wait in the bounded
/// <see cref="EventQueue"/>; overflow there becomes a "resync required" signal.
/// </summary>
internal sealed class EventDispatcher(EventQueue queue, ILogger logger)
{
    private readonly Lock _gate = new();
    private ImmutableArray<IAmiEventObserver> _observers = [];
    private CancellationToken _ct;
    private bool _running;
    private TaskCompletionSource? _idle;

    /// <summary>Events dropped since creation.</summary>
    public long Dropped => queue.Dropped;

    /// <summary>Adds an observer; it sees items dispatched from now on.</summary>
    public void Subscribe(IAmiEventObserver observer)
    {
        lock (_gate) _observers = _observers.Add(observer);
    }

    /// <summary>Removes an observer.</summary>
    public void Unsubscribe(IAmiEventObserver observer)
    {
        lock (_gate) _observers = _observers.Remove(observer);
    }

    /// <summary>The token handed to observers (the client's run).</summary>
    public void Start(CancellationToken ct) => _ct = ct;

    /// <summary>Takes one event (socket reader). Delivered at the next <see cref="Flush"/>.</summary>
    public void Add(AmiMessage message) => queue.Add(message);

    /// <summary>Hands over the events of one socket read, and delivers them unless a delivery is under way.</summary>
    public void Flush()
    {
        queue.Flush();
        Pump();
    }

    /// <summary>Holds events back (a new session, not yet logged in).</summary>
    public void Hold() => queue.Hold();

    /// <summary>Publishes a state change, then lets held events through.</summary>
    public void Release(AmiConnectionStateChange change)
    {
        queue.Release(change);
        Pump();
    }

    /// <summary>Publishes a state change after whatever was flushed before it.</summary>
    public void Publish(AmiConnectionStateChange change)
    {
        queue.Publish(change);
        Pump();
    }

    /// <summary>Completes once nothing is being delivered and nothing waits.</summary>
    public async Task WaitIdleAsync()
    {
        while (true)
        {
            Task idle;
            lock (_gate)
            {
                if (!_running && !queue.HasItems)
                {
                    return;
                }
                idle = (_idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
            await idle.ConfigureAwait(false);
        }
    }

    private void Pump()
    {
        lock (_gate)
        {
            if (_running || !queue.HasItems)
            {
                return;
            }
            _running = true;
        }
        // Runs here until an observer makes it wait; then it finishes on its own and Pump returns at once.
        _ = DrainAsync();
    }

    private async Task DrainAsync()
    {
        var ct = _ct;
        try
        {
            while (true)
            {
                DispatchItem item;
                ImmutableArray<IAmiEventObserver> observers;
                lock (_gate)
                {
                    if (!queue.TryTake(out item))
                    {
                        StopLocked();
                        return;
                    }
                    observers = _observers;
                }
                await DeliverAsync(item, observers, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: what still waits is not delivered.
            lock (_gate)
            {
                queue.Discard();
                StopLocked();
            }
        }
    }

    private void StopLocked()
    {
        _running = false;
        _idle?.TrySetResult();
        _idle = null;
    }

    private async ValueTask DeliverAsync(DispatchItem item, ImmutableArray<IAmiEventObserver> observers, CancellationToken ct)
    {
        if (item.Events is { } batch)
        {
            try
            {
                foreach (var message in batch)
                {
                    foreach (var observer in observers)
                    {
                        ValueTask delivery;
                        try
                        {
                            delivery = observer.OnEventAsync(message, ct);
                        }
                        catch (Exception e) when (!(e is OperationCanceledException && ct.IsCancellationRequested))
                        {
                            LogMessages.HandlerFailed(logger, e, observer.GetType().Name);
                            continue;
                        }
                        // Most observers finish synchronously: no await machinery for them.
                        if (!delivery.IsCompletedSuccessfully)
                        {
                            await Guard(observer, static (_, pending, _) => pending, delivery, ct).ConfigureAwait(false);
                        }
                    }
                }
            }
            finally
            {
                queue.Done(batch);
            }
        }
        else if (item.Change is { } change)
        {
            foreach (var observer in observers)
            {
                await Guard(observer, static (o, c, t) => o.OnConnectionStateChangedAsync(c, t), change, ct).ConfigureAwait(false);
            }
        }

        var dropped = queue.TakeDroppedSinceSignal();
        if (dropped > 0)
        {
            LogMessages.EventQueueOverflow(logger, queue.Dropped);
            var signal = new AmiResyncRequired(dropped, queue.Dropped);
            foreach (var observer in observers)
            {
                await Guard(observer, static (o, s, t) => o.OnResyncRequiredAsync(s, t), signal, ct).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask Guard<T>(IAmiEventObserver observer, Func<IAmiEventObserver, T, CancellationToken, ValueTask> call, T arg, CancellationToken ct)
    {
        try
        {
            await call(observer, arg, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            LogMessages.HandlerFailed(logger, e, observer.GetType().Name);
        }
    }
}
