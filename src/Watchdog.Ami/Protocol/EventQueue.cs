namespace Watchdog.Ami.Protocol;

/// <summary>What the dispatcher receives: a batch of events, or a connection state change.</summary>
internal readonly record struct DispatchItem(List<AmiMessage>? Events, AmiConnectionStateChange? Change);

/// <summary>
/// The bounded buffer between the socket reader and the <see cref="EventDispatcher"/>, never blocking
/// the reader. Events are handed over in batches — one per socket read. At most <c>capacity</c> events
/// wait; past that new events are dropped and counted, and the next dispatch reports that a resync is
/// needed. State changes are never dropped. Events read before the session is logged in are held back
/// until <see cref="Release"/>, so observers always see <c>LoggedIn</c> before the session's first event.
/// Allocates nothing per event: batches and messages are recycled.
/// </summary>
internal sealed class EventQueue(int capacity, AmiMessagePool pool)
{
    private readonly Queue<DispatchItem> _items = new();
    private readonly Stack<List<AmiMessage>> _freeBatches = new();
    private readonly Lock _gate = new();
    private List<AmiMessage>? _batch;
    private bool _held = true;
    private long _queued;
    private long _dropped;
    private long _droppedSinceSignal;

    /// <summary>Events dropped since creation.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Whether a flushed item waits.</summary>
    public bool HasItems
    {
        get
        {
            lock (_gate) return _items.Count > 0;
        }
    }

    /// <summary>Takes one event (socket reader); drops and counts it when the queue is full.</summary>
    public void Add(AmiMessage message)
    {
        lock (_gate)
        {
            if (_queued + (_batch?.Count ?? 0) >= capacity)
            {
                pool.Return(message);
                Interlocked.Increment(ref _dropped);
                Interlocked.Increment(ref _droppedSinceSignal);
                return;
            }
            (_batch ??= RentBatch()).Add(message);
        }
    }

    /// <summary>Hands the events of one socket read to the dispatcher, unless they are held.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (!_held)
            {
                FlushLocked();
            }
        }
    }

    /// <summary>Holds events back (a new session, not yet logged in).</summary>
    public void Hold()
    {
        lock (_gate) _held = true;
    }

    /// <summary>Publishes a state change, then lets held events through.</summary>
    public void Release(AmiConnectionStateChange change)
    {
        lock (_gate)
        {
            _items.Enqueue(new DispatchItem(null, change));
            _held = false;
            FlushLocked();
        }
    }

    /// <summary>Publishes a state change after whatever was flushed before it. A session that ends unreleased drops its held events.</summary>
    public void Publish(AmiConnectionStateChange change)
    {
        lock (_gate)
        {
            if (change.State == AmiConnectionState.Disconnected && _held && _batch is { } unreleased)
            {
                pool.ReturnAll(unreleased);
                unreleased.Clear();
            }
            else
            {
                FlushLocked();
            }
            _items.Enqueue(new DispatchItem(null, change));
        }
    }

    /// <summary>The oldest flushed item, if any (dispatcher).</summary>
    public bool TryTake(out DispatchItem item)
    {
        lock (_gate) return _items.TryDequeue(out item);
    }

    /// <summary>How many events were dropped since the last call (dispatcher).</summary>
    public long TakeDroppedSinceSignal() => Interlocked.Exchange(ref _droppedSinceSignal, 0);

    /// <summary>Gives a dispatched batch's messages back to the pool (dispatcher).</summary>
    public void Done(List<AmiMessage> batch)
    {
        pool.ReturnAll(batch);
        lock (_gate)
        {
            _queued -= batch.Count;
            batch.Clear();
            if (_freeBatches.Count < 64) _freeBatches.Push(batch);
        }
    }

    /// <summary>Drops every waiting item (the client stopped); state changes among them are lost too.</summary>
    public void Discard()
    {
        lock (_gate)
        {
            while (_items.TryDequeue(out var item))
            {
                if (item.Events is { } batch)
                {
                    _queued -= batch.Count;
                    pool.ReturnAll(batch);
                    batch.Clear();
                }
            }
        }
    }

    private void FlushLocked()
    {
        if (_batch is { Count: > 0 } batch)
        {
            _queued += batch.Count;
            _items.Enqueue(new DispatchItem(batch, null));
            _batch = null;
        }
    }

    private List<AmiMessage> RentBatch() => _freeBatches.TryPop(out var batch) ? batch : new List<AmiMessage>(256);
}
