using System.IO.Pipelines;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Watchdog.Ami;
using Watchdog.Ami.Protocol;

namespace Watchdog.Simulator;

/// <summary>One manager session: banner, login (plain or MD5), actions, and the events its mask lets through.</summary>
internal sealed class SimulatorSession : IAsyncDisposable
{
    private readonly AmiSimulator _sim;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closed = new();
    private readonly System.Threading.Channels.Channel<byte[]?> _outbox = System.Threading.Channels.Channel.CreateUnbounded<byte[]?>(new() { SingleReader = true });
    private Task _writer = Task.CompletedTask;
    private string? _challenge;
    private string _events = "off";

    public SimulatorSession(AmiSimulator sim, Socket socket)
    {
        _sim = sim;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    public bool LoggedIn { get; private set; }

    public string? Username { get; private set; }

    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start()
    {
        _writer = WriteLoopAsync();
        Completion = RunAsync();
    }

    /// <summary>Queues bytes for this session in order, without waiting; null closes the session once all before it is written.</summary>
    public void Enqueue(byte[]? bytes) => _outbox.Writer.TryWrite(bytes);

    private async Task WriteLoopAsync()
    {
        await foreach (var bytes in _outbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (bytes is null)
            {
                Close();
                return;
            }
            await WriteAsync(bytes).ConfigureAwait(false);
        }
    }

    /// <summary>Whether an event of this class passes the session's <c>Events:</c> mask.</summary>
    public bool Wants(string eventClass)
    {
        if (!LoggedIn || _events.Equals("off", StringComparison.OrdinalIgnoreCase) || _events == "0") return false;
        if (_events.Equals("on", StringComparison.OrdinalIgnoreCase) || _events == "1") return true;
        return _events.Split(',', StringSplitOptions.TrimEntries).Any(c => c.Equals(eventClass, StringComparison.OrdinalIgnoreCase) || c == "all");
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct = default)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            Close();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Close()
    {
        if (_closed.IsCancellationRequested) return;
        _closed.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // The peer left first.
        }
        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        Close();
        _outbox.Writer.TryComplete();
        await Completion.ConfigureAwait(false);
        await _writer.ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _closed.Dispose();
    }

    private async Task RunAsync()
    {
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            if (!_sim.Frozen)
            {
                Enqueue(Encoding.ASCII.GetBytes(_sim.Banner + "\r\n"));
            }
            while (!_closed.IsCancellationRequested)
            {
                var result = await reader.ReadAsync(_closed.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var action = new AmiMessage { KeepCredentials = true };
                while (AmiFraming.TryReadMessage(ref buffer, action))
                {
                    await HandleAsync(action).ConfigureAwait(false);
                    action = new AmiMessage { KeepCredentials = true };
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted) break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException or AmiProtocolException)
        {
            // Session over: the peer left, or the simulator closed it.
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            Close();
            _outbox.Writer.TryComplete();
            _sim.Forget(this);
        }
    }

    private async Task HandleAsync(AmiMessage m)
    {
        var action = m["Action"] ?? "";
        var id = m["ActionID"];
        _sim.Record(m);
        if (_sim.Frozen || _sim.SilentActions.ContainsKey(action))
        {
            return;
        }

        if (_sim.ActionHook?.Invoke(action, m) is { } custom)
        {
            await SendAsync(custom).ConfigureAwait(false);
            return;
        }

        if (action.Equals("Login", StringComparison.OrdinalIgnoreCase))
        {
            await LoginAsync(m, id).ConfigureAwait(false);
            return;
        }
        if (action.Equals("Challenge", StringComparison.OrdinalIgnoreCase))
        {
            _challenge = Random.Shared.Next(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await SendAsync(AmiWire.Response("Success", id).Add("Challenge", _challenge)).ConfigureAwait(false);
            return;
        }
        if (!LoggedIn)
        {
            await SendAsync(AmiWire.Response("Error", id).Add("Message", "Permission denied")).ConfigureAwait(false);
            return;
        }
        if (action.Equals("Logoff", StringComparison.OrdinalIgnoreCase))
        {
            await SendAsync(AmiWire.Response("Goodbye", id).Add("Message", "Thanks for all the fish.")).ConfigureAwait(false);
            Enqueue(null);
            return;
        }
        if (action.Equals("Ping", StringComparison.OrdinalIgnoreCase))
        {
            if (!_sim.IgnorePings)
            {
                await SendAsync(AmiWire.Response("Success", id).Add("Ping", "Pong").Add("Timestamp", _sim.UnixTimestamp())).ConfigureAwait(false);
            }
            return;
        }

        foreach (var reply in _sim.Answer(action, m, id))
        {
            await SendAsync(reply).ConfigureAwait(false);
        }
    }

    private async Task LoginAsync(AmiMessage m, string? id)
    {
        var user = m["Username"] ?? "";
        var ok = _sim.TryGetSecret(user, out var secret) && (
            m["AuthType"] is { } type && type.Equals("MD5", StringComparison.OrdinalIgnoreCase)
                ? _challenge is not null && string.Equals(RawValue(m, "Key"u8), Md5(_challenge + secret), StringComparison.OrdinalIgnoreCase)
                : RawValue(m, "Secret"u8) == secret);
        if (!ok)
        {
            await SendAsync(AmiWire.Response("Error", id).Add("Message", "Authentication failed")).ConfigureAwait(false);
            _sim.EmitSecurity(user.Length == 0 || !_sim.TryGetSecret(user, out _) ? "InvalidAccountID" : "InvalidPassword", "AMI", user, RemoteAddress());
            Enqueue(null);
            return;
        }

        LoggedIn = true;
        Username = user;
        _events = m["Events"] ?? "on";
        await SendAsync(AmiWire.Response("Success", id).Add("Message", "Authentication accepted")).ConfigureAwait(false);
        if (Wants("system"))
        {
            await SendAsync(AmiWire.Event("FullyBooted", "system,all").Add("Uptime", _sim.UptimeSeconds()).Add("LastReload", _sim.SecondsSinceReload())
                .Add("Status", "Fully Booted")).ConfigureAwait(false);
        }
        _sim.EmitSecurity("SuccessfulAuth", "AMI", user, RemoteAddress());
    }

    private string RemoteAddress() =>
        _socket.RemoteEndPoint is System.Net.IPEndPoint ep ? $"IPV4/TCP/{ep.Address}/{ep.Port}" : "IPV4/TCP/127.0.0.1/0";

    /// <summary>The raw bytes of a credential header: the parser masks them for everyone else.</summary>
    private static string? RawValue(AmiMessage m, ReadOnlySpan<byte> name)
    {
        var raw = m.RawCredential(name);
        return raw is null ? null : Encoding.UTF8.GetString(raw);
    }

    private static string Md5(string s) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(s)));

    private Task SendAsync(AmiWire reply)
    {
        Enqueue(reply.ToBytes());
        return Task.CompletedTask;
    }
}
