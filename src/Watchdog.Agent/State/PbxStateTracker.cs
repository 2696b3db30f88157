using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Watchdog.Ami;
using Watchdog.Ami.Events;

namespace Watchdog.Agent.State;

/// <summary>
/// Keeps a <see cref="PbxStateStore"/> in step with Asterisk: maps live AMI events to
/// <see cref="PbxUpdate"/>s, and runs a full resync on every login, whenever the client dropped
/// events, and when asked (<see cref="ResyncAsync"/>, e.g. by <see cref="PbxResyncJob"/>).
/// Subscribe it to the <see cref="AmiClient"/>: <c>client.Subscribe(tracker)</c>.
/// </summary>
/// <remarks>
/// A resync runs off the dispatch loop, so events keep flowing while its lists are read; the store
/// journals them and replays them onto the resync's result (see <see cref="PbxStateStore"/>).
/// Requests that arrive while one runs are coalesced into one more run.
/// </remarks>
public sealed class PbxStateTracker : IAmiEventObserver, IAsyncDisposable
{
    private const int EndpointQueryParallelism = 4;

    private readonly AmiClient _client;
    private readonly PbxStateStore _store;
    private readonly ILogger _logger;
    private readonly PjsipResponsiveness? _pjsip;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task? _loop;
    private (ShutdownEvent Event, DateTimeOffset At)? _shutdown;
    private bool _pending;
    private bool _disposed;

    /// <summary>Creates a tracker writing into <paramref name="store"/>; the fate of its PJSIP actions goes to <paramref name="pjsip"/>.</summary>
    public PbxStateTracker(AmiClient client, PbxStateStore store, ILogger<PbxStateTracker>? logger = null, PjsipResponsiveness? pjsip = null)
    {
        _client = client;
        _store = store;
        _logger = logger ?? NullLogger<PbxStateTracker>.Instance;
        _pjsip = pjsip;
    }

    /// <summary>
    /// Subscribes to the client, and catches up (connected + resync) if it is already logged in, so
    /// the order in which the host starts the client and the tracker does not matter. Dispose the
    /// result to unsubscribe.
    /// </summary>
    public IDisposable Start()
    {
        var subscription = _client.Subscribe(this);
        if (_client.State == AmiConnectionState.LoggedIn && !_store.Current.Ami.Connected)
        {
            _store.SetAmiConnected(true);
            _ = RequestResync();
        }
        return subscription;
    }

    /// <inheritdoc />
    public ValueTask OnEventAsync(AmiMessage message, CancellationToken ct)
    {
        var now = _store.Time.GetUtcNow();
        _store.Events.Record(message.EventName, now);
        if (ToUpdate(message) is { } update)
        {
            _store.Apply(update);
        }
        else if (FullyBootedEvent.From(message) is { Uptime: { } uptime })
        {
            _store.SetAsteriskStartedAt(now - TimeSpan.FromSeconds(uptime));
        }
        else if (ShutdownEvent.From(message) is { } shutdown)
        {
            // Observer calls come one at a time, in order: the session's end follows this event.
            _shutdown = (shutdown, now);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Translates the events the model follows; null for every other message.</summary>
    internal static PbxUpdate? ToUpdate(AmiMessage m)
    {
        if (m.Kind != AmiMessageKind.Event) return null;
        if (NewstateEvent.From(m) is { } ns) return new ChannelStateChanged(ns.Uniqueid, ns.Channel, ns.ChannelStateDesc);
        if (NewchannelEvent.From(m) is { } nc) return new ChannelCreated(nc.Uniqueid, nc.Channel, nc.ChannelStateDesc);
        if (HangupEvent.From(m) is { } h) return new ChannelHungUp(h.Uniqueid, h.Channel, h.Cause);
        if (ContactStatusEvent.From(m) is { } c) return new ContactStatusChanged(c.EndpointName, c.Aor, c.Uri, c.ContactStatus, c.RoundtripUsec);
        if (RegistryEvent.From(m) is { } r) return new RegistrationStatusChanged(r.Username, r.Domain, r.Status);
        return null;
    }

    /// <inheritdoc />
    public ValueTask OnConnectionStateChangedAsync(AmiConnectionStateChange change, CancellationToken ct)
    {
        switch (change.State)
        {
            case AmiConnectionState.LoggedIn:
                _shutdown = null;
                _store.SetAmiConnected(true);
                _ = RequestResync();
                break;
            case AmiConnectionState.Disconnected:
                var wasUp = _store.Current.Ami.Connected || _store.Current.Ami.Since is null;
                _store.SetAmiDown(ToFailure(change, _shutdown, _client.Endpoint, _store.Time.GetUtcNow()));
                _shutdown = null;
                _pjsip?.Reset();
                if (wasUp)
                {
                    // Once per outage: the client logs every failed reconnect itself.
                    StateLog.AmiDown(_logger, change.Reason.ToString());
                }
                break;
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>The failure a <c>Disconnected</c> change reports; a shutdown is dated by its announcement.</summary>
    internal static AmiFailure ToFailure(AmiConnectionStateChange change, (ShutdownEvent Event, DateTimeOffset At)? shutdown, string endpoint, DateTimeOffset now)
    {
        var announced = change.Reason == AmiDisconnectReason.ServerShutdown ? shutdown : null;
        return new AmiFailure(change.Reason.ToString(), change.Detail, announced?.At ?? now, endpoint)
        {
            ShutdownKind = announced?.Event.Shutdown is { Length: > 0 } kind ? kind : null,
            ShutdownRestart = change.Reason == AmiDisconnectReason.ServerShutdown ? change.ShutdownRestart ?? announced?.Event.Restart : null,
        };
    }

    /// <inheritdoc />
    public ValueTask OnResyncRequiredAsync(AmiResyncRequired signal, CancellationToken ct)
    {
        StateLog.EventsDropped(_logger, signal.DroppedEvents);
        _ = RequestResync();
        return ValueTask.CompletedTask;
    }

    /// <summary>Runs (or joins) a full resync and completes when it is done. Does nothing while AMI is down.</summary>
    public Task ResyncAsync(CancellationToken ct) => RequestResync().WaitAsync(ct);

    private Task RequestResync()
    {
        lock (_gate)
        {
            _pending = true;
            return _loop ??= Task.Run(ResyncLoopAsync);
        }
    }

    private async Task ResyncLoopAsync()
    {
        while (true)
        {
            lock (_gate)
            {
                if (!_pending || _stopping.IsCancellationRequested)
                {
                    _loop = null;
                    return;
                }
                _pending = false;
            }
            await ResyncOnceAsync(_stopping.Token).ConfigureAwait(false);
        }
    }

    private async Task ResyncOnceAsync(CancellationToken ct)
    {
        if (_client.State != AmiConnectionState.LoggedIn) return;
        var started = Stopwatch.GetTimestamp();
        var ticket = _store.BeginResync();
        try
        {
            var data = await ReadAsync(ct).ConfigureAwait(false);
            if (_store.CompleteResync(ticket, data))
            {
                var s = _store.Current;
                StateLog.ResyncApplied(_logger, s.Registrations.Count, s.Endpoints.Count, s.Channels.Count,
                    (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            else
            {
                StateLog.ResyncDiscarded(_logger);
            }
        }
        catch (Exception e) when (e is AmiException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            if (e is AmiActionTimeoutException t && t.Action.StartsWith("PJSIP", StringComparison.OrdinalIgnoreCase))
            {
                _pjsip?.Observe(t.Action, timedOut: true);
            }
            _store.AbortResync(ticket);
            StateLog.ResyncFailed(_logger, e.GetType().Name, e.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _store.AbortResync(ticket);
        }
    }

    private async Task<PbxResyncData> ReadAsync(CancellationToken ct)
    {
        var registrations = new List<ResyncRegistration>();
        foreach (var m in (await _client.SendAsync(AmiActions.PJSIPShowRegistrationsOutbound(), ct).ConfigureAwait(false)).Events)
        {
            if (OutboundRegistrationDetail.From(m) is { } r)
            {
                registrations.Add(new ResyncRegistration(r.ObjectName, r.ClientUri, r.ServerUri, r.Endpoint, r.Status, r.OutboundAuth));
            }
        }

        // An error reply here means "none" (Asterisk answers that way for empty lists).
        var endpointItems = (await _client.SendAsync(AmiActions.PJSIPShowEndpoints(), ct).ConfigureAwait(false)).Events
            .Select(EndpointListItem.From).OfType<EndpointListItem>().ToList();
        _pjsip?.Observe("PJSIPShowEndpoints", timedOut: false);
        var endpoints = new ResyncEndpoint[endpointItems.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, endpointItems.Count),
            new ParallelOptions { MaxDegreeOfParallelism = EndpointQueryParallelism, CancellationToken = ct },
            async (i, token) => endpoints[i] = await ReadEndpointAsync(endpointItems[i], token).ConfigureAwait(false)).ConfigureAwait(false);

        var channels = new List<ResyncChannel>();
        foreach (var m in (await _client.SendAsync(AmiActions.CoreShowChannels(), ct).ConfigureAwait(false)).Events)
        {
            if (CoreShowChannelItem.From(m) is { } c)
            {
                channels.Add(new ResyncChannel(c.Uniqueid, c.Channel, c.ChannelStateDesc, c.Age));
            }
        }

        var settings = await _client.SendAsync(AmiActions.CoreSettings(), ct).ConfigureAwait(false);
        var status = await _client.SendAsync(AmiActions.CoreStatus(), ct).ConfigureAwait(false);
        return new PbxResyncData(registrations, endpoints, channels,
            settings.IsSuccess ? settings.Message["AsteriskVersion"] : null,
            status.IsSuccess ? StartedAt(status.Message) : null);
    }

    private async Task<ResyncEndpoint> ReadEndpointAsync(EndpointListItem item, CancellationToken ct)
    {
        // PJSIPShowContacts lists only dynamic contacts; a fixed trunk contact shows only here.
        var reply = await _client.SendAsync(AmiActions.PJSIPShowEndpoint(item.ObjectName), ct).ConfigureAwait(false);
        if (!reply.IsSuccess)
        {
            StateLog.EndpointDetailFailed(_logger, item.ObjectName, reply.Text ?? "error");
        }
        var contacts = new List<ContactState>();
        foreach (var m in reply.Events)
        {
            if (m.IsEvent("ContactStatusDetail"u8) && ContactDetail.From(m) is { } c)
            {
                var reachable = c.Status.Equals("Reachable", StringComparison.OrdinalIgnoreCase);
                contacts.Add(new ContactState(c.Aor, c.Uri, c.Status, reachable ? c.RoundtripUsec : null));
            }
        }
        return new ResyncEndpoint(item.ObjectName, item.DeviceState, contacts);
    }

    /// <summary>
    /// <c>CoreStartupDate</c> + <c>CoreStartupTime</c>. Asterisk prints them in the server's local time
    /// zone with no offset; we read them as UTC, which is what our PBX hosts run.
    /// </summary>
    internal static DateTimeOffset? StartedAt(AmiMessage m) =>
        m["CoreStartupDate"] is { } d && m["CoreStartupTime"] is { } t
        && DateTime.TryParseExact($"{d} {t}", "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? new DateTimeOffset(at, TimeSpan.Zero)
            : null;

    /// <summary>Stops resyncing and waits for a running one to end.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            loop = _loop;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (loop is not null) await loop.ConfigureAwait(false);
        // _stopping is not disposed: a late RequestResync may still read its token.
    }
}
