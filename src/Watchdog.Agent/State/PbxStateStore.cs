using System.Collections.Immutable;
using Watchdog.Ami;

namespace Watchdog.Agent.State;

/// <summary>
/// Holds the current <see cref="PbxSnapshot"/>. Writers (the AMI dispatch loop, a finishing resync)
/// serialise on a lock and publish a new immutable snapshot; readers take <see cref="Current"/> without
/// locking.
/// </summary>
/// <remarks>
/// A resync reads lists over several round trips while live events keep arriving. Those events are
/// applied live as usual and also journalled; when the resync completes, its lists replace the model
/// and the journal is replayed on top (state only — counters already counted them), so an event that
/// arrived after a list was read is not lost, and replaying one the list already reflects is harmless
/// because every update is idempotent on state.
/// </remarks>
public sealed class PbxStateStore
{
    /// <summary>Transitions kept per registration.</summary>
    public const int HistoryLimit = 16;

    /// <summary>Updates journalled during one resync; beyond this the resync is abandoned and retried.</summary>
    public const int JournalLimit = 100_000;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private PbxSnapshot _current = PbxSnapshot.Empty;
    private List<(PbxUpdate Update, DateTimeOffset At)>? _journal;
    private long _resyncGeneration;

    /// <summary>Creates an empty store.</summary>
    public PbxStateStore(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>The latest snapshot. Safe from any thread, never blocks.</summary>
    public PbxSnapshot Current => Volatile.Read(ref _current);

    /// <summary>AMI events by name and the time of the last one.</summary>
    public AmiEventCounts Events { get; } = new();

    /// <summary>Raised (outside the lock) when a live channel ends; feeds duration histograms.</summary>
    public event Action<CallEnded>? CallEnded;

    /// <summary>
    /// Notified when a trunk's health may have changed: a registration's status, whether an endpoint is
    /// reachable, a new endpoint, a completed resync. Not for channels or round-trip times, which change all the time.
    /// </summary>
    public StateSignal TrunkHealth { get; } = new();

    /// <summary>The clock this store stamps changes with.</summary>
    public TimeProvider Time => _time;

    /// <summary>Applies a live update.</summary>
    public void Apply(PbxUpdate update)
    {
        CallEnded? ended = null;
        var at = _time.GetUtcNow();
        var health = false;
        lock (_gate)
        {
            var next = Reduce(_current, update, at, countTotals: true, ref ended);
            if (_journal is { } journal)
            {
                journal.Add((update, at));
                if (journal.Count > JournalLimit) _journal = null;
            }
            if (!ReferenceEquals(next, _current))
            {
                health = TrunkHealthChanged(_current, next, update);
                Publish(next);
            }
        }
        if (health) TrunkHealth.Notify();
        if (ended is { } e) CallEnded?.Invoke(e);
    }

    /// <summary>Records that AMI logged in (<paramref name="connected"/>) or went down, with why (an <c>AmiDisconnectReason</c> name).</summary>
    public void SetAmiConnected(bool connected, string? disconnectReason = null)
    {
        if (!connected)
        {
            SetAmiDown(new AmiFailure(disconnectReason ?? nameof(AmiDisconnectReason.None), null, _time.GetUtcNow()));
            return;
        }
        var at = _time.GetUtcNow();
        lock (_gate)
        {
            var ami = _current.Ami;
            Publish(_current with { Ami = ami with { Connected = true, Since = at, Logins = ami.Logins + 1 } });
        }
    }

    /// <summary>
    /// Records a failure of the AMI link: the session ended, or a reconnect attempt failed. The first
    /// failure after a login starts an outage; later ones keep the outage's start and its most informative
    /// cause (see <see cref="AmiOutage.Then"/>).
    /// </summary>
    public void SetAmiDown(AmiFailure failure)
    {
        var at = _time.GetUtcNow();
        lock (_gate)
        {
            var ami = _current.Ami;
            if (ami.Connected || ami.Since is null || ami.LastOutage is null)
            {
                ami = ami with { Connected = false, Since = ami.Connected || ami.Since is null ? at : ami.Since, LastOutage = AmiOutage.Start(failure) };
                // A resync in flight reads a session that is gone.
                _journal = null;
                _resyncGeneration++;
            }
            else
            {
                ami = ami with { LastOutage = ami.LastOutage.Then(failure) };
            }
            Publish(_current with { Ami = ami });
        }
    }

    /// <summary>Records Asterisk's start time (e.g. from <c>FullyBooted</c> Uptime).</summary>
    public void SetAsteriskStartedAt(DateTimeOffset startedAt)
    {
        lock (_gate)
        {
            Publish(_current with { Asterisk = _current.Asterisk with { StartedAt = startedAt } });
        }
    }

    /// <summary>Starts journalling live updates for a resync; pass the ticket to <see cref="CompleteResync"/>.</summary>
    public ResyncTicket BeginResync()
    {
        lock (_gate)
        {
            _journal = [];
            return new ResyncTicket(++_resyncGeneration);
        }
    }

    /// <summary>
    /// Replaces the model with <paramref name="data"/> plus the updates journalled since
    /// <see cref="BeginResync"/>. False (nothing applied) when the ticket is stale: AMI went down, another
    /// resync began, or the journal overflowed.
    /// </summary>
    public bool CompleteResync(ResyncTicket ticket, PbxResyncData data)
    {
        var at = _time.GetUtcNow();
        lock (_gate)
        {
            if (ticket.Generation != _resyncGeneration || _journal is not { } journal) return false;
            var touched = new HashSet<(string, string)>();
            foreach (var (update, _) in journal)
            {
                if (update is RegistrationStatusChanged r) touched.Add((r.ClientUri, r.ServerUri));
            }
            var next = Rebuild(_current, data, at, touched);
            CallEnded? ignored = null;
            foreach (var (update, updateAt) in journal)
            {
                next = Reduce(next, update, updateAt, countTotals: false, ref ignored);
            }
            _journal = null;
            Publish(next with { LastResyncAt = at });
        }
        TrunkHealth.Notify();
        return true;
    }

    /// <summary>Stops journalling for a resync that failed.</summary>
    public void AbortResync(ResyncTicket ticket)
    {
        lock (_gate)
        {
            if (ticket.Generation == _resyncGeneration) _journal = null;
        }
    }

    private static bool TrunkHealthChanged(PbxSnapshot before, PbxSnapshot after, PbxUpdate update) => update switch
    {
        RegistrationStatusChanged => !ReferenceEquals(before.Registrations, after.Registrations),
        // A round trip alone keeps the contact's status: two lookups, no walk over the contacts.
        ContactStatusChanged c => ContactStatus(before, c) != ContactStatus(after, c)
            && Reachable(before, c.Endpoint) != Reachable(after, c.Endpoint),
        _ => false,
    };

    private static string? ContactStatus(PbxSnapshot s, ContactStatusChanged c) =>
        s.Endpoints.TryGetValue(c.Endpoint, out var e) && e.Contacts.TryGetValue(c.Uri, out var contact) ? contact.Status : null;

    /// <summary>Null for an endpoint not known yet, so that a new one counts as a change.</summary>
    private static bool? Reachable(PbxSnapshot s, string endpoint) => s.Endpoints.TryGetValue(endpoint, out var e) ? e.IsReachable : null;

    /// <summary>Publishes a snapshot made under the lock since the last publish (never one a reader may hold).</summary>
    private void Publish(PbxSnapshot next)
    {
        System.Diagnostics.Debug.Assert(!ReferenceEquals(next, _current), "a published snapshot is never stamped again");
        Volatile.Write(ref _current, next.Stamp(_current.Version + 1));
    }

    // ---- pure transitions ----------------------------------------------------------------------

    internal static PbxSnapshot Reduce(PbxSnapshot s, PbxUpdate update, DateTimeOffset at, bool countTotals, ref CallEnded? ended) => update switch
    {
        RegistrationStatusChanged r => ApplyRegistration(s, r, at, countTotals),
        ContactStatusChanged c => ApplyContact(s, c),
        ChannelCreated c => ApplyChannelCreated(s, c, at, countTotals),
        ChannelStateChanged c => s.Channels.TryGetValue(c.Uniqueid, out var ch) && ch.State != c.State
            ? s with { Channels = s.Channels.SetItem(c.Uniqueid, ch with { State = c.State }) }
            : s,
        ChannelHungUp h => ApplyHangup(s, h, at, countTotals, ref ended),
        _ => throw new ArgumentException($"Unknown update {update.GetType().Name}.", nameof(update)),
    };

    private static PbxSnapshot ApplyRegistration(PbxSnapshot s, RegistrationStatusChanged r, DateTimeOffset at, bool countTotals)
    {
        foreach (var (name, reg) in s.Registrations)
        {
            if (reg.ClientUri == r.ClientUri && reg.ServerUri == r.ServerUri)
            {
                // Asterisk repeats a status (e.g. Rejected on every failed retry); only a change is a transition.
                if (reg.Status == r.Status) return s;
                var totals = countTotals ? CountTransition(s.Totals, name, r.Status) : s.Totals;
                return s with { Registrations = s.Registrations.SetItem(name, Transition(reg, r.Status, at)), Totals = totals };
            }
        }
        // Unknown until a resync lists it (a registration added by a reload); the next resync picks it up.
        return s;
    }

    private static RegistrationState Transition(RegistrationState reg, string status, DateTimeOffset at)
    {
        var ok = status.Equals("Registered", StringComparison.OrdinalIgnoreCase);
        if (reg.Status == status)
        {
            return reg;
        }
        var history = reg.History.Length >= HistoryLimit ? reg.History.RemoveAt(0) : reg.History;
        return reg with
        {
            Status = status,
            LastChangeAt = at,
            LastErrorStatus = ok ? reg.LastErrorStatus : status,
            LastErrorAt = ok ? reg.LastErrorAt : at,
            History = history.Add(new RegistrationTransition(at, reg.Status, status)),
        };
    }

    private static PbxTotals CountTransition(PbxTotals totals, string registration, string status)
    {
        var byStatus = totals.RegistrationTransitions.GetValueOrDefault(registration)
            ?? ImmutableDictionary<string, long>.Empty.WithComparers(StringComparer.Ordinal);
        byStatus = byStatus.SetItem(status, byStatus.GetValueOrDefault(status) + 1);
        return totals with { RegistrationTransitions = totals.RegistrationTransitions.SetItem(registration, byStatus) };
    }

    private static PbxSnapshot ApplyContact(PbxSnapshot s, ContactStatusChanged c)
    {
        var endpoint = s.Endpoints.GetValueOrDefault(c.Endpoint) ?? EndpointState.Create(c.Endpoint);
        ImmutableDictionary<string, ContactState> contacts;
        if (c.Status.Equals("Removed", StringComparison.OrdinalIgnoreCase))
        {
            contacts = endpoint.Contacts.Remove(c.Uri);
        }
        else
        {
            var known = endpoint.Contacts.GetValueOrDefault(c.Uri);
            // Created and Updated say a contact exists or changed, not whether it answers.
            var status = c.Status is "Created" or "Updated" ? known?.Status ?? "Unknown" : c.Status;
            var rtt = status.Equals("Reachable", StringComparison.OrdinalIgnoreCase) ? c.RoundtripUsec ?? known?.RoundtripUsec : null;
            if (known is not null && known.Status == status && known.RoundtripUsec == rtt && known.Aor == c.Aor) return s;
            contacts = endpoint.Contacts.SetItem(c.Uri, new ContactState(c.Aor, c.Uri, status, rtt));
        }
        return s with { Endpoints = s.Endpoints.SetItem(c.Endpoint, endpoint with { Contacts = contacts }) };
    }

    private static PbxSnapshot ApplyChannelCreated(PbxSnapshot s, ChannelCreated c, DateTimeOffset at, bool countTotals)
    {
        var endpoint = ChannelState.EndpointOf(c.Channel);
        var existing = s.Channels.GetValueOrDefault(c.Uniqueid);
        var channel = new ChannelState(c.Uniqueid, c.Channel, endpoint, c.State, existing?.CreatedAt ?? at);
        var next = s with { Channels = s.Channels.SetItem(c.Uniqueid, channel) };
        if (!countTotals) return next;
        var calls = s.Totals.Calls.GetValueOrDefault(endpoint) ?? EndpointCallTotals.Empty;
        return next with { Totals = s.Totals with { Calls = s.Totals.Calls.SetItem(endpoint, calls with { CallsStarted = calls.CallsStarted + 1 }) } };
    }

    private static PbxSnapshot ApplyHangup(PbxSnapshot s, ChannelHungUp h, DateTimeOffset at, bool countTotals, ref CallEnded? ended)
    {
        var next = s;
        string endpoint;
        if (s.Channels.TryGetValue(h.Uniqueid, out var channel))
        {
            endpoint = channel.Endpoint;
            next = s with { Channels = s.Channels.Remove(h.Uniqueid) };
            if (countTotals) ended = new CallEnded(channel.Endpoint, h.Cause, at - channel.CreatedAt);
        }
        else
        {
            endpoint = ChannelState.EndpointOf(h.Channel);
        }
        if (!countTotals) return next;
        var calls = s.Totals.Calls.GetValueOrDefault(endpoint) ?? EndpointCallTotals.Empty;
        var cause = h.Cause is >= 0 and <= 127 ? h.Cause : -1;
        calls = calls with
        {
            CallsEnded = calls.CallsEnded + 1,
            HangupsByCause = calls.HangupsByCause.SetItem(cause, calls.HangupsByCause.GetValueOrDefault(cause) + 1),
        };
        return next with { Totals = s.Totals with { Calls = s.Totals.Calls.SetItem(endpoint, calls) } };
    }

    private static PbxSnapshot Rebuild(PbxSnapshot previous, PbxResyncData data, DateTimeOffset at, HashSet<(string, string)> touchedLive)
    {
        var totals = previous.Totals;
        var registrations = ImmutableDictionary.CreateBuilder<string, RegistrationState>(StringComparer.Ordinal);
        foreach (var r in data.Registrations)
        {
            if (previous.Registrations.TryGetValue(r.Name, out var known) && touchedLive.Contains((r.ClientUri, r.ServerUri)))
            {
                // A live event during the resync is newer than the list, already counted, and replayed below.
                registrations[r.Name] = known with { Endpoint = r.Endpoint, OutboundAuth = r.OutboundAuth };
            }
            else if (known is not null)
            {
                // A change that happened while we were not listening still counts as a transition.
                if (known.Status != r.Status) totals = CountTransition(totals, r.Name, r.Status);
                registrations[r.Name] = Transition(known, r.Status, at) with { ClientUri = r.ClientUri, ServerUri = r.ServerUri, Endpoint = r.Endpoint, OutboundAuth = r.OutboundAuth };
            }
            else
            {
                var error = r.Status.Equals("Registered", StringComparison.OrdinalIgnoreCase) ? null : r.Status;
                registrations[r.Name] = new RegistrationState(r.Name, r.ClientUri, r.ServerUri, r.Endpoint, r.Status,
                    null, error, error is null ? null : at, []) { OutboundAuth = r.OutboundAuth };
            }
        }

        var endpoints = ImmutableDictionary.CreateBuilder<string, EndpointState>(StringComparer.Ordinal);
        foreach (var e in data.Endpoints)
        {
            var contacts = ImmutableDictionary.CreateBuilder<string, ContactState>(StringComparer.Ordinal);
            foreach (var c in e.Contacts) contacts[c.Uri] = c;
            endpoints[e.Name] = new EndpointState(e.Name, e.DeviceState, contacts.ToImmutable());
        }

        var channels = ImmutableDictionary.CreateBuilder<string, ChannelState>(StringComparer.Ordinal);
        foreach (var c in data.Channels)
        {
            var created = previous.Channels.TryGetValue(c.Uniqueid, out var known) ? known.CreatedAt : at - (c.Age ?? TimeSpan.Zero);
            channels[c.Uniqueid] = new ChannelState(c.Uniqueid, c.Channel, ChannelState.EndpointOf(c.Channel), c.State, created);
        }

        var asterisk = new AsteriskInfo(data.AsteriskVersion ?? previous.Asterisk.Version, data.AsteriskStartedAt ?? previous.Asterisk.StartedAt);
        return previous with
        {
            Asterisk = asterisk,
            Registrations = registrations.ToImmutable(),
            Endpoints = endpoints.ToImmutable(),
            Channels = channels.ToImmutable(),
            Totals = totals,
        };
    }
}

/// <summary>Identifies one resync to <see cref="PbxStateStore.CompleteResync"/>.</summary>
public readonly record struct ResyncTicket(long Generation);
