using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Watchdog.Ami;

namespace Watchdog.Simulator;

/// <summary>
/// An AMI server on loopback that behaves like Asterisk 20/22 (byte shapes taken from real captures):
/// banner, plain and MD5 login, the list actions answered from <see cref="Pbx"/>, <c>Command</c>,
/// <c>Ping</c>, and a scripting surface for tests and the demo — registrations that drop, contacts that
/// go unreachable, calls that come and go or die of RTP timeout, security events, a cut mid-frame,
/// garbage, a hung core, and a restart (Shutdown, then refused connections for a while).
/// </summary>
public sealed partial class AmiSimulator : IAsyncDisposable
{
    private readonly ConcurrentDictionary<SimulatorSession, byte> _sessions = new();
    private readonly ConcurrentDictionary<string, string> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _receivedActions = new();
    private readonly TimeProvider _time;
    private readonly IPAddress _address;
    private TcpListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private CancellationTokenSource _acceptStop = new();
    private int _channelCounter;
    private long _uniqueCounter;

    /// <summary>Creates a simulator of <paramref name="pbx"/> (the trunk set-up by default) on 127.0.0.1.</summary>
    public AmiSimulator(SimulatedPbx? pbx = null, TimeProvider? time = null, int port = 0, IPAddress? address = null)
    {
        _time = time ?? TimeProvider.System;
        Pbx = pbx ?? SimulatedPbx.TrunkSetup();
        Pbx.StartedAt = Pbx.ReloadedAt = _time.GetUtcNow();
        Port = port;
        _address = address ?? IPAddress.Loopback;
        _users["watchdog"] = "watchdog-secret";
    }

    /// <summary>The simulated PBX; change it through the scripting methods so events go out.</summary>
    public SimulatedPbx Pbx { get; }

    /// <summary>The banner: the AMI protocol version, not Asterisk's.</summary>
    public string Banner { get; set; } = "Asterisk Call Manager/11.0.0";

    /// <summary>The listening port (known after <see cref="Start"/>).</summary>
    public int Port { get; private set; }

    /// <summary>The address to give a client.</summary>
    public string Host => _address.ToString();

    /// <summary>When set, <c>Ping</c> goes unanswered: Asterisk's core is hung but the socket is open.</summary>
    public bool IgnorePings { get; set; }

    /// <summary>
    /// A frozen Asterisk (<c>kill -STOP</c>, a deadlock): the kernel still accepts connections, but nothing is
    /// ever sent — no banner to new sessions, no reply to anything on existing ones.
    /// </summary>
    public bool Frozen { get; set; }

    /// <summary>Retry a failed registration every retry interval as Asterisk does (log line and <c>Registry</c> each time).</summary>
    public bool RetriesLikeAsterisk { get; set; }

    /// <summary>Where to append Asterisk-style <c>messages</c> log lines (registration failures, RTP timeouts); null for none.</summary>
    public string? MessagesLogPath { get; set; }

    /// <summary>Actions that get no reply at all (a wedged manager thread); names compared case-insensitively.</summary>
    public ConcurrentDictionary<string, bool> SilentActions { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Answers an action before the built-in behaviour when it returns a reply (tests' fault injection).</summary>
    public Func<string, AmiMessage, AmiWire?>? ActionHook { get; set; }

    /// <summary>Logged-in sessions.</summary>
    public int LoggedInSessions => _sessions.Keys.Count(s => s.LoggedIn);

    /// <summary>Action names received, in order.</summary>
    public IReadOnlyCollection<string> ReceivedActions => _receivedActions;

    /// <summary>Adds or changes a manager user.</summary>
    public void AddUser(string username, string secret) => _users[username] = secret;

    /// <summary>Starts listening; with port 0 an ephemeral port is chosen and kept across restarts.</summary>
    public void Start()
    {
        _listener = new TcpListener(_address, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptStop = new CancellationTokenSource();
        _acceptLoop = AcceptLoopAsync(_listener, _acceptStop.Token);
    }

    /// <summary>Waits until at least <paramref name="count"/> sessions are logged in.</summary>
    public async Task WaitForLoginAsync(int count = 1, CancellationToken ct = default)
    {
        while (LoggedInSessions < count)
        {
            await Task.Delay(10, ct).ConfigureAwait(false);
        }
    }

    // ---- scripting: registrations -------------------------------------------------------------

    /// <summary>Sets a registration's status and sends the <c>Registry</c> event Asterisk would.</summary>
    public void SetRegistrationStatus(string registration, string status)
    {
        SimRegistration r;
        lock (Pbx.Gate)
        {
            r = Pbx.Registration(registration);
            r.Status = status;
        }
        Broadcast(RegistryEvent(r, status), "system");
    }

    /// <summary>
    /// Changes how the registrar answers. <see cref="RegistrarBehaviour.Forbids"/> and
    /// <see cref="RegistrarBehaviour.Silent"/> take the registration to <c>Rejected</c> at once and write
    /// Asterisk's log line (the only place the cause shows); <see cref="RegistrarBehaviour.Accepts"/>
    /// changes nothing until the next REGISTER (a re-register, a reload, or a restart).
    /// </summary>
    public void SetRegistrar(string registration, RegistrarBehaviour behaviour, bool permanent = false)
    {
        SimRegistration r;
        lock (Pbx.Gate)
        {
            r = Pbx.Registration(registration);
            r.Registrar = behaviour;
        }
        if (behaviour != RegistrarBehaviour.Accepts)
        {
            AttemptRegistration(r, permanent);
        }
    }

    // ---- scripting: contacts ------------------------------------------------------------------

    /// <summary>Sets a contact's qualify result and sends <c>PeerStatus</c> then <c>ContactStatus</c>, as Asterisk does.</summary>
    public void SetContactStatus(string endpoint, string status, long? roundtripUsec = null)
    {
        SimContact c;
        lock (Pbx.Gate)
        {
            var e = Pbx.Endpoint(endpoint);
            c = e.Contacts.FirstOrDefault() ?? throw new ArgumentException($"Endpoint '{endpoint}' has no contact.", nameof(endpoint));
            c.Status = status;
            c.RoundtripUsec = status == "Reachable" ? roundtripUsec ?? c.RoundtripUsec ?? 1000 : 0;
        }
        Broadcast(AmiWire.Event("PeerStatus", "system,all").Add("ChannelType", "PJSIP").Add("Peer", "PJSIP/" + endpoint).Add("PeerStatus", status), "system");
        Broadcast(AmiWire.Event("ContactStatus", "system,all").Add("URI", c.Uri).Add("ContactStatus", status).Add("AOR", c.Aor)
            .Add("EndpointName", endpoint).Add("RoundtripUsec", (c.RoundtripUsec ?? 0).ToString(CultureInfo.InvariantCulture)), "system");
        Broadcast(AmiWire.Event("DeviceStateChange", "call,all").Add("Device", "PJSIP/" + endpoint)
            .Add("State", status == "Unreachable" ? "UNAVAILABLE" : "NOT_INUSE"), "call");
        if (status is "Reachable" or "Unreachable")
        {
            AppendLog("VERBOSE", "res_pjsip/pjsip_options.c",
                $"Contact {c.Aor}/{c.Uri} is now {status}.  RTT: {(c.RoundtripUsec ?? 0) / 1000.0:0.000} msec");
        }
    }

    // ---- scripting: security and faults -------------------------------------------------------

    /// <summary>Sends a security event (e.g. <c>InvalidAccountID</c>, <c>ChallengeResponseFailed</c>) from <paramref name="remoteAddress"/> (<c>IPV4/UDP/203.0.113.5/5060</c>).</summary>
    public void EmitSecurity(string eventName, string service, string accountId, string remoteAddress)
    {
        var now = _time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff+0000", CultureInfo.InvariantCulture);
        var severity = eventName is "SuccessfulAuth" or "ChallengeSent" ? "Informational" : "Error";
        var local = service == "AMI" ? $"IPV4/TCP/127.0.0.1/{Port}" : "IPV4/UDP/127.0.0.1/5060";
        var ev = AmiWire.Event(eventName, "security,all").Add("EventTV", now).Add("Severity", severity).Add("Service", service)
            .Add("EventVersion", "1").Add("AccountID", accountId).Add("SessionID", "0x" + Random.Shared.Next().ToString("x", CultureInfo.InvariantCulture))
            .Add("LocalAddress", local).Add("RemoteAddress", remoteAddress);
        if (eventName == "SuccessfulAuth")
        {
            ev.Add("UsingPassword", "0").Add("SessionTV", now);
        }
        Broadcast(ev, "security");
    }

    /// <summary>Sends any pre-built bytes to every logged-in session (a transcript, a flood block, garbage).</summary>
    public Task SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct = default) =>
        Task.WhenAll(_sessions.Keys.Where(s => s.LoggedIn).Select(s => s.WriteAsync(bytes, ct)));

    /// <summary>Writes the first half of an event, then drops every connection.</summary>
    public async Task CutMidFrameAsync()
    {
        var ev = AmiWire.Event("Newexten", "dialplan,all").Add("Channel", "PJSIP/mango-trunk-00000099").Add("Context", "from-mango").ToBytes();
        var sessions = _sessions.Keys.ToArray();
        foreach (var s in sessions)
        {
            s.Enqueue(ev[..(ev.Length / 2)]);
            s.Enqueue(null);
        }
        await Task.WhenAll(sessions.Select(s => s.Completion)).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }

    /// <summary>Closes every session without a word (a crash, a network cut).</summary>
    public void DropConnections()
    {
        foreach (var s in _sessions.Keys)
        {
            s.Close();
        }
    }

    /// <summary>
    /// Restarts "Asterisk": sends <c>Shutdown</c> (Restart: True), closes every session, refuses
    /// connections for <paramref name="downtime"/>, then listens again on the same port with a fresh uptime
    /// and every registration whose registrar accepts back to <c>Registered</c>.
    /// </summary>
    public async Task RestartAsync(TimeSpan downtime, CancellationToken ct = default)
    {
        await StopListeningAsync().ConfigureAwait(false);
        await BroadcastAndCloseAsync(AmiWire.Event("Shutdown", "system,all").Add("Shutdown", "Cleanly").Add("Restart", "True")).ConfigureAwait(false);
        await Task.Delay(downtime, _time, ct).ConfigureAwait(false);
        lock (Pbx.Gate)
        {
            Pbx.StartedAt = Pbx.ReloadedAt = _time.GetUtcNow();
            Pbx.Channels.Clear();
            foreach (var r in Pbx.Registrations)
            {
                r.Status = r.Registrar == RegistrarBehaviour.Accepts ? "Registered" : "Rejected";
            }
        }
        Start();
    }

    /// <summary>
    /// Stops "Asterisk" for good (<c>core stop gracefully</c>): sends <c>Shutdown</c> (Cleanly, Restart: False),
    /// closes every session and refuses connections until <see cref="Start"/>.
    /// </summary>
    public async Task ShutDownAsync()
    {
        await StopListeningAsync().ConfigureAwait(false);
        await BroadcastAndCloseAsync(AmiWire.Event("Shutdown", "system,all").Add("Shutdown", "Cleanly").Add("Restart", "False")).ConfigureAwait(false);
    }

    /// <summary>Stops accepting connections (new ones are refused); existing sessions stay.</summary>
    public async Task StopListeningAsync()
    {
        await _acceptStop.CancelAsync().ConfigureAwait(false);
        _listener?.Stop();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped, as asked.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopListeningAsync().ConfigureAwait(false);
        lock (_retries)
        {
            foreach (var timer in _retries.Values) timer.Dispose();
            _retries.Clear();
        }
        foreach (var s in _sessions.Keys)
        {
            await s.DisposeAsync().ConfigureAwait(false);
        }
        _acceptStop.Dispose();
    }

    // ---- internals used by sessions ----------------------------------------------------------

    internal bool TryGetSecret(string user, out string secret) => _users.TryGetValue(user, out secret!);

    internal void Record(AmiMessage action) => _receivedActions.Enqueue(action["Action"] ?? "");

    internal void Forget(SimulatorSession session) => _sessions.TryRemove(session, out _);

    internal string UnixTimestamp() =>
        (_time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0).ToString("0.000000", CultureInfo.InvariantCulture);

    internal string SecondsSinceReload() =>
        ((long)(_time.GetUtcNow() - Pbx.ReloadedAt).TotalSeconds).ToString(CultureInfo.InvariantCulture);

    internal string UptimeSeconds() =>
        ((long)(_time.GetUtcNow() - Pbx.StartedAt).TotalSeconds).ToString(CultureInfo.InvariantCulture);

    private static AmiWire RegistryEvent(SimRegistration r, string status) =>
        AmiWire.Event("Registry", "system,all").Add("ChannelType", "PJSIP").Add("Username", r.ClientUri).Add("Domain", r.ServerUri).Add("Status", status);

    private void Broadcast(AmiWire ev, string eventClass)
    {
        if (Frozen)
        {
            return; // a frozen Asterisk says nothing
        }
        var bytes = ev.ToBytes();
        foreach (var s in _sessions.Keys)
        {
            if (s.Wants(eventClass))
            {
                // Ordered per session by its outbox; the script never waits for a slow reader.
                s.Enqueue(bytes);
            }
        }
    }

    /// <summary>Sends a last message to every session, then closes each once it is written.</summary>
    private async Task BroadcastAndCloseAsync(AmiWire ev)
    {
        var bytes = ev.ToBytes();
        var sessions = _sessions.Keys.ToArray();
        foreach (var s in sessions)
        {
            if (s.Wants("system"))
            {
                s.Enqueue(bytes);
            }
            s.Enqueue(null);
        }
        await Task.WhenAll(sessions.Select(s => s.Completion)).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }

    private void AppendLog(string level, string source, string text)
    {
        if (MessagesLogPath is null)
        {
            return;
        }
        var line = $"[{_time.GetLocalNow():yyyy-MM-dd HH:mm:ss.fff}] {level}[{Environment.ProcessId}] {source}: {text}\n";
        lock (Pbx.Gate)
        {
            File.AppendAllText(MessagesLogPath, line, new UTF8Encoding(false));
        }
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            socket.NoDelay = true;
            var session = new SimulatorSession(this, socket);
            _sessions[session] = 0;
            session.Start();
        }
    }
}

/// <summary>A simulated two-leg call: the caller's channel and the bridged callee's.</summary>
public sealed record SimCall(string CallerChannel, string CalleeChannel, string CallerEndpoint, string CalleeEndpoint);
