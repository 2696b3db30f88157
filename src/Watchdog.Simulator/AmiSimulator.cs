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
public sealed class AmiSimulator : IAsyncDisposable
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
        if (status is "Reachable" or "Unreachable")
        {
            AppendLog("VERBOSE", "res_pjsip/pjsip_options.c",
                $"Contact {c.Aor}/{c.Uri} is now {status}.  RTT: {(c.RoundtripUsec ?? 0) / 1000.0:0.000} msec");
        }
    }

    // ---- scripting: calls ---------------------------------------------------------------------

    /// <summary>An inbound call on <paramref name="from"/> bridged to <paramref name="to"/>: two channels, Newchannel and Newstate Up.</summary>
    public SimCall StartCall(string from = "mango-trunk", string to = "elevenlabs-trunk", string callerId = "+79161234567")
    {
        var now = _time.GetUtcNow();
        var epoch = now.ToUnixTimeSeconds();
        var a = NewChannel(from, epoch, null, callerId, now);
        var b = NewChannel(to, epoch, a.Linkedid, "<unknown>", now);
        var bridge = Guid.NewGuid().ToString();
        lock (Pbx.Gate)
        {
            a.BridgeId = b.BridgeId = bridge;
            b.Application = "AppDial";
            Pbx.Channels.Add(a);
            Pbx.Channels.Add(b);
            Pbx.ProcessedCalls++;
        }
        Broadcast(ChannelEvent("Newchannel", a), "call");
        Broadcast(ChannelEvent("Newchannel", b), "call");
        foreach (var ch in new[] { b, a })
        {
            ch.State = 6;
            ch.StateDesc = "Up";
            Broadcast(ChannelEvent("Newstate", ch), "call");
        }
        return new SimCall(a.Name, b.Name, a.Endpoint, b.Endpoint);
    }

    /// <summary>Ends a call normally (cause 16 on both legs).</summary>
    public void Hangup(SimCall call, int cause = 16, string causeText = "Normal Clearing")
    {
        HangupChannel(call.CallerChannel, cause, causeText);
        HangupChannel(call.CalleeChannel, 16, "Normal Clearing");
    }

    /// <summary>
    /// The caller leg dies of RTP timeout, as Asterisk reports it: the log line
    /// <c>Disconnecting channel '…' for lack of audio RTP activity in N seconds</c>, then a Hangup with
    /// cause 44 on that leg and 16 on the other.
    /// </summary>
    public void RtpTimeout(SimCall call, int seconds = 8)
    {
        AppendLog("NOTICE", "res_pjsip_sdp_rtp.c", $"Disconnecting channel '{call.CallerChannel}' for lack of audio RTP activity in {seconds} seconds");
        Broadcast(AmiWire.Event("SoftHangupRequest", "call,all").Add("Channel", call.CallerChannel).Add("Cause", "44"), "call");
        HangupChannel(call.CallerChannel, 44, "Requested channel not available");
        HangupChannel(call.CalleeChannel, 16, "Normal Clearing");
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

    internal string UptimeSeconds() =>
        ((long)(_time.GetUtcNow() - Pbx.StartedAt).TotalSeconds).ToString(CultureInfo.InvariantCulture);

    /// <summary>The built-in answers, from the model. Several messages for event lists.</summary>
    internal IEnumerable<AmiWire> Answer(string action, AmiMessage m, string? id)
    {
        lock (Pbx.Gate)
        {
            switch (action.ToLowerInvariant())
            {
                case "corestatus": return [PbxReplies.CoreStatus(Pbx, id)];
                case "coresettings": return [PbxReplies.CoreSettings(Pbx, id)];
                case "pjsipshowregistrationsoutbound": return [.. PbxReplies.RegistrationsOutbound(Pbx, id)];
                case "pjsipshowendpoints": return [.. PbxReplies.Endpoints(Pbx, id)];
                case "pjsipshowcontacts": return [.. PbxReplies.Contacts(Pbx, id)];
                case "coreshowchannels": return [.. PbxReplies.Channels(Pbx, id, _time.GetUtcNow())];
                case "pjsipshowendpoint":
                    return PbxReplies.Endpoint(Pbx, m["Endpoint"], id) is { } detail
                        ? [.. detail]
                        : [AmiWire.Response("Error", id).Raw($"Message: Unable to retrieve endpoint {m["Endpoint"]}\n\r\n")];
                case "pjsipregister":
                    return Reregister(m["Registration"], id);
                case "moduleload" when string.Equals(m["LoadType"], "reload", StringComparison.OrdinalIgnoreCase):
                    return ReloadModule(m["Module"], id, "Module reloaded.");
                case "reload":
                    return ReloadModule(m["Module"], id, "Module Reloaded");
                case "command":
                    return [Command(m["Command"] ?? "", id)];
                default:
                    return [AmiWire.Response("Error", id).Add("Message", $"Invalid/unknown command: {action}. Use Action: ListCommands to show available commands.")];
            }
        }
    }

    private IEnumerable<AmiWire> Reregister(string? name, string? id)
    {
        var r = Pbx.Registrations.FirstOrDefault(x => x.Name == name);
        if (r is null)
        {
            return [AmiWire.Response("Error", id).Add("Message", $"Unable to retrieve registration entry {name}")];
        }
        // Asterisk answers first, then sends Unregistered and the outcome of the new REGISTER.
        _ = Task.Run(() =>
        {
            SetRegistrationStatus(r.Name, "Unregistered");
            AttemptRegistration(r, permanent: false);
        });
        return [AmiWire.Response("Success", id).Add("Message", "Reregistration sent")];
    }

    private IEnumerable<AmiWire> ReloadModule(string? module, string? id, string message)
    {
        var name = module ?? "";
        if (!name.StartsWith("res_pjsip", StringComparison.Ordinal) && name != "")
        {
            return [AmiWire.Response("Error", id).Add("Message", "Module not loaded")];
        }
        Pbx.ReloadedAt = _time.GetUtcNow();
        _ = Task.Run(() =>
        {
            Broadcast(AmiWire.Event("Reload", "system,all").Add("Module", name).Add("Status", "0"), "system");
            foreach (var r in Pbx.Registrations.ToArray())
            {
                if (r.Status != "Registered")
                {
                    AttemptRegistration(r, permanent: false);
                }
            }
        });
        return [AmiWire.Response("Success", id).Add("Message", message)];
    }

    private AmiWire Command(string command, string? id)
    {
        var reply = AmiWire.Response("Success", id).Add("Message", "Command output follows");
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (string.Join(' ', words))
        {
            case "module reload res_pjsip.so":
            case "module reload res_pjsip":
                ReloadModule("res_pjsip.so", null, "");
                return reply.Add("Output", "Module 'res_pjsip.so' reloaded successfully.");
            case "core restart when convenient":
            case "core restart gracefully":
            case "core restart now":
                _ = Task.Run(() => RestartAsync(TimeSpan.FromMilliseconds(300)));
                return reply;
            case "pjsip show registrations":
                reply.Add("Output", "").Add("Output", " <Registration/ServerURI..............................>  <Auth....................>  <Status.......>")
                    .Add("Output", "==========================================================================================").Add("Output", "");
                foreach (var r in Pbx.Registrations)
                {
                    reply.Add("Output", $" {r.Name + "/" + r.ServerUri,-55} {r.OutboundAuth,-27} {r.Status}");
                }
                return reply.Add("Output", "").Add("Output", $"Objects found: {Pbx.Registrations.Count}").Add("Output", "");
            case "core show version":
                return reply.Add("Output", $"Asterisk {Pbx.AsteriskVersion} built by root @ sim on a x86_64 running Linux");
            default:
                return reply.Add("Output", $"No such command '{command}' (type 'core show help {command}' for other possible commands)");
        }
    }

    private void AttemptRegistration(SimRegistration r, bool permanent)
    {
        switch (r.Registrar)
        {
            case RegistrarBehaviour.Accepts:
                SetRegistrationStatus(r.Name, "Registered");
                break;
            case RegistrarBehaviour.Forbids:
                AppendLog("WARNING", "res_pjsip_outbound_registration.c", permanent
                    ? $"Fatal response '403' received from '{r.ServerUri}' on registration attempt to '{r.ClientUri}', stopping outbound registration"
                    : $"403 Forbidden fatal response received from '{r.ServerUri}' on registration attempt to '{r.ClientUri}', retrying in '15' seconds");
                SetRegistrationStatus(r.Name, "Rejected");
                break;
            case RegistrarBehaviour.Silent:
                AppendLog("WARNING", "res_pjsip_outbound_registration.c", permanent
                    ? $"Maximum retries reached when attempting outbound registration to '{r.ServerUri}' with client '{r.ClientUri}', stopping registration attempt"
                    : $"No response received from '{r.ServerUri}' on registration attempt to '{r.ClientUri}', retrying in '15'");
                SetRegistrationStatus(r.Name, "Rejected");
                break;
        }
    }

    private void HangupChannel(string channel, int cause, string causeText)
    {
        SimChannel? ch;
        lock (Pbx.Gate)
        {
            ch = Pbx.Channels.FirstOrDefault(c => c.Name == channel);
            if (ch is null)
            {
                return;
            }
            Pbx.Channels.Remove(ch);
        }
        Broadcast(ChannelEvent("Hangup", ch).Add("Cause", cause.ToString(CultureInfo.InvariantCulture)).Add("Cause-txt", causeText), "call");
    }

    private SimChannel NewChannel(string endpoint, long epoch, string? linkedid, string callerId, DateTimeOffset now)
    {
        var uniqueid = $"{epoch}.{Interlocked.Increment(ref _uniqueCounter) - 1}";
        return new SimChannel
        {
            Name = $"PJSIP/{endpoint}-{Interlocked.Increment(ref _channelCounter) - 1:x8}",
            Endpoint = endpoint,
            Uniqueid = uniqueid,
            Linkedid = linkedid ?? uniqueid,
            Context = Pbx.Endpoints.FirstOrDefault(e => e.Name == endpoint)?.Context ?? "default",
            CallerIdNum = callerId,
            Created = now,
            State = linkedid is null ? 4 : 0,
            StateDesc = linkedid is null ? "Ring" : "Down",
        };
    }

    private static AmiWire ChannelEvent(string name, SimChannel c) =>
        AmiWire.Event(name, "call,all").Add("Channel", c.Name).Add("ChannelState", c.State.ToString(CultureInfo.InvariantCulture))
            .Add("ChannelStateDesc", c.StateDesc).Add("CallerIDNum", c.CallerIdNum).Add("CallerIDName", "<unknown>")
            .Add("ConnectedLineNum", "<unknown>").Add("ConnectedLineName", "<unknown>").Add("Language", "en").Add("AccountCode", "")
            .Add("Context", c.Context).Add("Exten", c.Exten).Add("Priority", "1").Add("Uniqueid", c.Uniqueid).Add("Linkedid", c.Linkedid);

    private static AmiWire RegistryEvent(SimRegistration r, string status) =>
        AmiWire.Event("Registry", "system,all").Add("ChannelType", "PJSIP").Add("Username", r.ClientUri).Add("Domain", r.ServerUri).Add("Status", status);

    private void Broadcast(AmiWire ev, string eventClass)
    {
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
