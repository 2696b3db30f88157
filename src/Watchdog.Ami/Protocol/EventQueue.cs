using System.Threading.Channels;

namespace Watchdog.Ami.Protocol;

/// <summary>What the dispatch loop receives: a batch of events, or a connection state change.</summary>
internal readonly record struct DispatchItem(List<AmiMessage>? Events, AmiConnectionStateChange? Change);

/// <summary>
/// Carries events from the socket reader to the dispatch loop without ever blocking the reader.
/// Events are handed over in batches — one per socket read — so the dispatch loop is woken once per
/// read rather than once per event. At most <c>capacity</c> events wait; past that new events are
/// dropped and counted, and the next dispatch reports that a resync is needed. State changes are never
/// dropped. Events read before the session is logged in are held back until <see cref="Release"/>, so
/// observers always see <c>LoggedIn</c> before the session's first event.
/// </summary>
internal sealed class EventQueue(int capacity, AmiMessagePool pool)
{
    private readonly Channel<DispatchItem> _channel = Channel.CreateUnbounded<DispatchItem>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });
    private readonly Stack<List<AmiMessage>> _freeBatches = new();
    private readonly Lock _gate = new();
    private List<AmiMessage>? _batch;
    private bool _held = true;
    private long _queued;
    private long _dropped;
    private long _droppedSinceSignal;

    public ChannelReader<DispatchItem> Reader => _channel.Reader;

    /// <summary>Events dropped since creation.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Takes one event (socket reader); drops and counts it when the queue is full.</summary>
    public void Add(AmiMessage message)
    {
        lock (_gate)
        {
            if (Interlocked.Read(ref _queued) + (_batch?.Count ?? 0) >= capacity)
            {
                pool.Return(message);
                Interlocked.Increment(ref _dropped);
                Interlocked.Increment(ref _droppedSinceSignal);
                return;
            }
            (_batch ??= RentBatch()).Add(message);
        }
    }

    /// <summary>Hands the events of one socket read to the dispatch loop, unless they are held.</summary>
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
            _channel.Writer.TryWrite(new DispatchItem(null, change));
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
            _channel.Writer.TryWrite(new DispatchItem(null, change));
        }
    }

    /// <summary>How many events were dropped since the last call (dispatch loop).</summary>
    public long TakeDroppedSinceSignal() => Interlocked.Exchange(ref _droppedSinceSignal, 0);

    /// <summary>Gives a dispatched batch's messages back to the pool (dispatch loop).</summary>
    public void Done(List<AmiMessage> batch)
    {
        Interlocked.Add(ref _queued, -batch.Count);
        pool.ReturnAll(batch);
        batch.Clear();
        lock (_gate)
        {
            if (_freeBatches.Count < 64) _freeBatches.Push(batch);
        }
    }

    /// <summary>No more items.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    private void FlushLocked()
    {
        if (_batch is { Count: > 0 } batch)
        {
            Interlocked.Add(ref _queued, batch.Count);
            _channel.Writer.TryWrite(new DispatchItem(batch, null));
            _batch = null;
        }
    }

    private List<AmiMessage> RentBatch() => _freeBatches.TryPop(out var batch) ? batch : new List<AmiMessage>(256);
}
