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

    public AmiMessage Rent()
    {
        lock (_gate)
        {
            if (_free.TryPop(out var message))
            {
                message.Pool = this;
                return message;
            }
        }
        return new AmiMessage(Names) { Pool = this };
    }

    public void Return(AmiMessage message)
    {
        if (message.Pool != this)
        {
            return;
        }
        message.Pool = null;
        message.Reset(MaxRetainedBufferBytes);
        lock (_gate)
        {
            if (_free.Count < maxRetained)
            {
                _free.Push(message);
            }
        }
    }
}
