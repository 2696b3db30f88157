using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Watchdog.Ami.Protocol;

/// <summary>
/// One TCP session with Asterisk: reads the banner, frames messages, matches replies to actions by
/// <c>ActionID</c> (AMI interleaves replies and events, so a FIFO would be wrong), gathers event
/// lists, and hands every other event to the <see cref="EventDispatcher"/>, which takes ownership of the pooled message
/// and, after each read, delivers on this loop unless a slow observer holds delivery up: the reader never waits for one. Every way the session can end goes through <see cref="Break"/>.
/// </summary>
internal sealed partial class AmiConnection : IAsyncDisposable
{
    private const string BannerPrefix = "Asterisk Call Manager/";
    private const int MinimumReadSize = 64 * 1024;
    private const int MaxStackSize = 256 * 1024;

    private readonly Socket _socket;
    private readonly Pipe _pipe;
    private readonly AmiMessagePool _pool;
    private readonly EventDispatcher _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _writeBuffer = new(512);
    private readonly Lock _pendingGate = new();
    private readonly Dictionary<string, PendingAction> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingAction>.AlternateLookup<ReadOnlySpan<char>> _pendingLookup;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _banner = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<AmiConnectionException> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _actionIdPrefix;
    private long _actionCounter;
    private int _pendingCount;
    private AmiConnectionException? _breakError;
    private bool _shutdownAnnounced;
    private long _lastReceivedTimestamp;
    private readonly TaskCompletionSource _readLoopDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AmiConnection(Socket socket, AmiMessagePool pool, EventDispatcher events, TimeProvider time, ILogger logger)
    {
        _socket = socket;
        // Written and read by the reading thread alone, so the pipe never schedules anything: no back-pressure
        // threshold (a message is bounded by AmiFraming.MaxMessageBytes), inline schedulers.
        _pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: MinimumReadSize,
            readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        _pool = pool;
        _events = events;
        _time = time;
        _logger = logger;
        _pendingLookup = _pending.GetAlternateLookup<ReadOnlySpan<char>>();
        _actionIdPrefix = $"wd{Random.Shared.Next(0x1000, 0xFFFF):x4}-";
        _lastReceivedTimestamp = time.GetTimestamp();
    }

    /// <summary>The AMI banner, e.g. <c>Asterisk Call Manager/11.0.0</c>.</summary>
    public string Banner => _banner.Task.IsCompletedSuccessfully ? _banner.Task.Result : "";

    /// <summary>Completes when the session ends, with the reason.</summary>
    public Task<AmiConnectionException> Closed => _closed.Task;

    /// <summary>Whether Asterisk sent <c>Shutdown</c> on this session, and if so whether it is restarting.</summary>
    public bool? ShutdownRestart { get; private set; }

    /// <summary>Time since the last byte-complete message arrived.</summary>
    public TimeSpan SinceLastReceived => _time.GetElapsedTime(Interlocked.Read(ref _lastReceivedTimestamp));

    /// <summary>The AMI socket's requested receive buffer (SO_RCVBUF).</summary>
    internal const int ReceiveBufferBytes = 4 * 1024 * 1024;

    /// <summary>Connects, starts reading and waits for the banner.</summary>
    public static async Task<AmiConnection> OpenAsync(
        AmiClientOptions options, AmiMessagePool pool, EventDispatcher events, TimeProvider time, ILogger logger, CancellationToken ct)
    {
        // A blocking socket that never sees an asynchronous call: on Linux .NET then reads with a plain recv on the
        // reading thread instead of emulating it through the epoll thread. The kernel bounds connect and send by
        // SO_SNDTIMEO.
        // The receive buffer is set before connect (so the window scale is negotiated for it) and large: while the
        // reader lets writes gather (ReadBatchWindow) the kernel holds them, and Asterisk gives up on a session whose
        // writes block longer than manager.conf's writetimeout (100 ms by default). 4 MB (Linux caps it at
        // net.core.rmem_max and doubles it) holds ~30,000 events; only bytes that arrive take memory.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
            ReceiveBufferSize = ReceiveBufferBytes,
            SendTimeout = (int)Math.Min(int.MaxValue, options.ConnectTimeout.TotalMilliseconds),
        };
        var connection = new AmiConnection(socket, pool, events, time, logger);
        connection.StartReading(options.Host, options.Port, options.ActionTimeout, options.ReadBatchWindow);
        try
        {
            await connection._connected.Task.WaitAsync(options.ConnectTimeout, time, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Our own wait or the kernel's SO_SNDTIMEO (EINPROGRESS/EAGAIN from a blocking connect): both are a time-out.
            var detail = e switch
            {
                TimeoutException or SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock or SocketError.InProgress } =>
                    $"timed out after {options.ConnectTimeout.TotalSeconds:0.#} s.",
                SocketException socketError => $"failed: {socketError.SocketErrorCode}.",
                OperationCanceledException => null,
                _ => $"failed: {e.Message}",
            };
            var error = detail is null
                ? null
                : new AmiConnectionException(AmiDisconnectReason.ConnectFailed, $"TCP connect to {options.Host}:{options.Port} {detail}", e is TimeoutException ? null : e);
            await connection.DisposeAsync().ConfigureAwait(false);
            if (error is null)
            {
                throw;
            }
            throw error;
        }

        try
        {
            await connection._banner.Task.WaitAsync(options.ConnectTimeout, time, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var error = e is TimeoutException
                ? connection.Break(AmiDisconnectReason.NoBanner, "No AMI banner within the connect timeout.")
                : null;
            await connection.DisposeAsync().ConfigureAwait(false);
            if (error is null)
            {
                throw;
            }
            throw error;
        }
        return connection;
    }

    /// <summary>Sends an action and waits for its complete reply.</summary>
    public async Task<AmiResponse> SendAsync(AmiAction action, TimeSpan timeout, CancellationToken ct)
    {
        var actionId = _actionIdPrefix + Interlocked.Increment(ref _actionCounter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var pending = new PendingAction(action.Name);
        lock (_pendingGate)
        {
            if (_breakError is { } broken)
            {
                throw broken;
            }
            _pending.Add(actionId, pending);
            _pendingCount = _pending.Count;
        }

        try
        {
            await _writeLock.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                _writeBuffer.ResetWrittenCount();
                action.WriteTo(_writeBuffer, actionId);
                // Synchronous, whole, and not cancellable: a write cut halfway would desynchronise the session, and an
                // asynchronous one would switch the socket to emulated blocking reads. Bounded by SO_SNDTIMEO.
                SendAll(_writeBuffer.WrittenSpan);
                _sent.Set();
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                throw _breakError ?? Break(AmiDisconnectReason.SocketError, $"Writing to AMI failed: {e.Message}");
            }
            finally
            {
                _writeLock.Release();
            }
            LogMessages.ActionSent(_logger, action.Name, actionId);
            return await pending.Task.WaitAsync(timeout, _time, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new AmiActionTimeoutException(action.Name, timeout);
        }
        finally
        {
            lock (_pendingGate)
            {
                _pending.Remove(actionId);
                _pendingCount = _pending.Count;
            }
        }
    }

    private void SendAll(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            bytes = bytes[_socket.Send(bytes)..];
        }
    }

    /// <summary>
    /// Ends the session (once): fails every pending action with the reason, closes the socket, and
    /// completes <see cref="Closed"/>. Returns the exception that describes the break.
    /// </summary>
    public AmiConnectionException Break(AmiDisconnectReason reason, string detail, Exception? inner = null)
    {
        PendingAction[] pending;
        AmiConnectionException error;
        lock (_pendingGate)
        {
            if (_breakError is { } existing)
            {
                return existing;
            }
            error = _breakError = new AmiConnectionException(reason, detail, inner);
            pending = [.. _pending.Values];
            _pending.Clear();
            _pendingCount = 0;
        }

        foreach (var p in pending)
        {
            p.Fail(error);
        }
        _banner.TrySetException(error);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already gone: the point of Break is that it is.
        }
        _socket.Close();
        _closed.TrySetResult(error);
        _sent.Set();
        return error;
    }

    public async ValueTask DisposeAsync()
    {
        Break(AmiDisconnectReason.ClientClosed, "Connection closed by the client.");
        // A connect still under way ends by itself within SO_SNDTIMEO; nothing of the pool or the dispatcher is held then.
        if (_connected.Task.IsCompletedSuccessfully)
        {
            await _readLoopDone.Task.ConfigureAwait(false);
        }
        _socket.Dispose();
        _writeLock.Dispose();
    }

    private void Route(AmiMessage message)
    {
        switch (message.Kind)
        {
            case AmiMessageKind.Response:
                RouteResponse(message);
                return;

            case AmiMessageKind.Event:
                if (TryRouteListEvent(message))
                {
                    return;
                }
                if (message.IsEvent("Shutdown"u8))
                {
                    _shutdownAnnounced = true;
                    ShutdownRestart = message.ValueEquals("Restart"u8, "True"u8);
                    LogMessages.ServerShutdown(_logger, ShutdownRestart.Value);
                }
                _events.Add(message);
                return;

            default:
                LogMessages.UnknownMessage(_logger, message.Raw.Length);
                _pool.Return(message);
                return;
        }
    }

    private void RouteResponse(AmiMessage message)
    {
        if (!message.TryGetValue("ActionID"u8, out var id) || !TryGetPending(id, out var pending))
        {
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                LogMessages.UnmatchedResponse(_logger, message.ActionId ?? "(none)");
            }
            _pool.Return(message);
            return;
        }

        message.Pool = null; // escapes to the caller
        if (pending.ListResponse is null && message.ValueEquals("EventList"u8, "start"u8))
        {
            pending.StartList(message);
            return;
        }
        pending.Complete(new AmiResponse(pending.Action, message));
    }

    private bool TryRouteListEvent(AmiMessage message)
    {
        // Most events answer no action: skip the header scan unless an action is in flight.
        if (Volatile.Read(ref _pendingCount) == 0 || !message.TryGetValue("ActionID"u8, out var id) || !TryGetPending(id, out var pending) || pending.ListEvents is null)
        {
            return false;
        }

        message.Pool = null; // escapes to the caller
        if (message.ValueEquals("EventList"u8, "Complete"u8))
        {
            pending.Complete(new AmiResponse(pending.Action, pending.ListResponse!, pending.ListEvents, message));
        }
        else
        {
            pending.ListEvents.Add(message);
        }
        return true;
    }

    private bool TryGetPending(ReadOnlySpan<byte> actionId, out PendingAction pending)
    {
        pending = null!;
        if (actionId.Length is 0 or > 128 || !Ascii.IsValid(actionId))
        {
            return false;
        }
        Span<char> chars = stackalloc char[actionId.Length];
        Ascii.ToUtf16(actionId, chars, out _);
        lock (_pendingGate)
        {
            return _pendingLookup.TryGetValue(chars, out pending!);
        }
    }

    private static string Truncate(string s) => s.Length <= 60 ? s : s[..60] + "…";
}
