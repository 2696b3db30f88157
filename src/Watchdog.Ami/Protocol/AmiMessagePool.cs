namespace Watchdog.Ami.Protocol;

/// <summary>
/// Recycles event messages between the socket reader and the dispatcher so that a steady event
/// stream allocates nothing per event. Bounded: beyond <c>maxRetained</c> returned messages are
/// left to the garbage collector.
/// </summary>
internal sealed class AmiMessagePool(int maxRetained, AmiNameTable names)
{
    private const int MaxRetainedBufferBytes = 64 * 1024;
    private readonly Stack<AmiMessage> _free = new();
    private readonly Lock _gate = new();

    public AmiNameTable Names { get; } = names;

    // The socket reader rents one message at a time; taking them from the shared stack in bulk keeps
    // it off the lock the dispatcher returns them under. Only the reader touches the local stack.
    private readonly Stack<AmiMessage> _readerLocal = new();
    private const int RefillCount = 128;

    /// <summary>A message for the socket reader (call from one thread only).</summary>
    public AmiMessage Rent()
    {
        if (_readerLocal.Count == 0)
        {
            lock (_gate)
            {
                for (var i = 0; i < RefillCount && _free.TryPop(out var free); i++)
                {
                    _readerLocal.Push(free);
                }
            }
        }
        var message = _readerLocal.TryPop(out var local) ? local : new AmiMessage(Names);
        message.Pool = this;
        return message;
    }

    /// <summary>Returns a dispatched batch in one go.</summary>
    public void ReturnAll(List<AmiMessage> messages)
    {
        lock (_gate)
        {
            foreach (var message in messages)
            {
                ReturnLocked(message);
            }
        }
    }

    /// <summary>Returns one message (it must not be used afterwards).</summary>
    public void Return(AmiMessage message)
    {
        lock (_gate)
        {
            ReturnLocked(message);
        }
    }

    // A message whose Pool is not this one has escaped to a caller, or already sits in the free
    // stack (Pool is cleared there): either way it must not be pushed.
    private void ReturnLocked(AmiMessage message)
    {
        if (message.Pool != this)
        {
            return;
        }
        message.Pool = null;
        message.Reset(MaxRetainedBufferBytes);
        if (_free.Count < maxRetained)
        {
            _free.Push(message);
        }
    }
}
