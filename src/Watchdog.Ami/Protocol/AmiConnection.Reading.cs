using System.Net.Sockets;
using System.Text;

namespace Watchdog.Ami.Protocol;

/// <summary>The reading side of <see cref="AmiConnection"/>: its own thread, blocking in <c>recv</c>.</summary>
internal sealed partial class AmiConnection
{
    private readonly ManualResetEventSlim _sent = new(initialState: false, spinCount: 0);
    private TimeSpan _readBatchWindow;
    private long _reads;

    /// <summary>Socket reads (system calls that returned) on this session.</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>
    /// Reads on a thread of its own that blocks in <c>recv</c>: the kernel wakes exactly this thread per read, which
    /// parses and delivers on the spot. An awaited socket read would cost two wake-ups per read on Linux (the epoll
    /// thread, then a pool worker) and needs a free pool thread; on a small VM those context switches were most of
    /// the agent's CPU. <see cref="Break"/> closes the socket, which ends a blocked read.
    /// </summary>
    private void StartReading(string host, int port, TimeSpan sendTimeout, TimeSpan readBatchWindow)
    {
        var thread = new Thread(() =>
        {
            try
            {
                _socket.Connect(host, port);
                _socket.SendTimeout = (int)Math.Min(int.MaxValue, sendTimeout.TotalMilliseconds);
                _readBatchWindow = readBatchWindow;
            }
            catch (Exception e)
            {
                // Refused, unreachable, no such host, or abandoned (the socket closed under us). Nothing may escape a
                // thread of our own: that would end the process.
                _connected.TrySetException(e);
                _readLoopDone.TrySetResult();
                return;
            }

            _connected.TrySetResult();
            ReadLoop();
        }, MaxStackSize) { IsBackground = true, Name = "AMI reader" };
        thread.Start();
    }

    private void ReadLoop()
    {
        var message = _pool.Rent();
        var writer = _pipe.Writer;
        var reader = _pipe.Reader;
        try
        {
            var bannerRead = false;
            while (true)
            {
                var span = writer.GetSpan(MinimumReadSize);
                var received = _socket.Receive(span);
                Interlocked.Increment(ref _reads);
                if (_breakError is not null)
                {
                    return;
                }

                if (received == 0)
                {
                    // End of stream: what is left unread is read once more, completed.
                    writer.Complete();
                }
                else
                {
                    writer.Advance(received);
                    // Completes at once: there is no pause threshold and this thread is the reader.
                    _ = writer.FlushAsync();
                }

                if (!reader.TryRead(out var result))
                {
                    continue;
                }

                var buffer = result.Buffer;
                if (!bannerRead && AmiFraming.TryReadLine(ref buffer, out var line))
                {
                    var banner = Encoding.UTF8.GetString(line);
                    if (!banner.StartsWith(BannerPrefix, StringComparison.Ordinal))
                    {
                        Break(AmiDisconnectReason.ProtocolError, $"Not an AMI server: banner '{Truncate(banner)}'.");
                        return;
                    }
                    bannerRead = true;
                    _banner.TrySetResult(banner);
                }

                if (bannerRead)
                {
                    var any = false;
                    while (AmiFraming.TryReadMessage(ref buffer, message))
                    {
                        any = true;
                        Route(message);
                        message = _pool.Rent();
                    }
                    if (any)
                    {
                        Interlocked.Exchange(ref _lastReceivedTimestamp, _time.GetTimestamp());
                    }
                    _events.Flush();
                }

                reader.AdvanceTo(buffer.Start, buffer.End);

                // The socket is empty (a short read, and nothing came in since) and nobody waits for a reply: let more
                // arrive before the next wake-up. An action sent meanwhile ends the wait, so its reply is read as soon as
                // it comes; a flood always has bytes waiting, so it is read without pause.
                if (_readBatchWindow > TimeSpan.Zero && received > 0 && received < span.Length && bannerRead && _socket.Available == 0)
                {
                    _sent.Reset();
                    if (Volatile.Read(ref _pendingCount) == 0)
                    {
                        _sent.Wait(_readBatchWindow);
                    }
                }

                if (result.IsCompleted)
                {
                    var reason = _shutdownAnnounced ? AmiDisconnectReason.ServerShutdown : AmiDisconnectReason.RemoteClosed;
                    Break(reason, buffer.IsEmpty
                        ? "Asterisk closed the connection."
                        : $"Asterisk closed the connection in the middle of a message ({buffer.Length} bytes unread).");
                    return;
                }
            }
        }
        catch (AmiProtocolException e)
        {
            Break(AmiDisconnectReason.ProtocolError, e.Message);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            Break(_shutdownAnnounced ? AmiDisconnectReason.ServerShutdown : AmiDisconnectReason.SocketError, $"Reading from AMI failed: {e.Message}", e);
        }
        catch (Exception e)
        {
            // A fault of ours while framing or routing: the session ends (and is opened again), the process does not.
            Break(AmiDisconnectReason.SocketError, $"Reading from AMI failed: {e.GetType().Name}: {e.Message}", e);
        }
        finally
        {
            _events.Flush();
            _pool.Return(message);
            writer.Complete();
            reader.Complete();
            _readLoopDone.TrySetResult();
        }
    }
}
