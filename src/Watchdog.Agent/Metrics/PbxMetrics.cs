using Prometheus;
using Watchdog.Agent.State;

namespace Watchdog.Agent.Metrics;

/// <summary>
/// The AMI and PBX metrics. Gauges and counters are rendered from <see cref="PbxStateStore.Current"/>
/// just before each scrape (so they cannot go stale); only the call-duration histogram is observed
/// as calls end.
/// </summary>
/// <remarks>
/// While AMI is down every PBX gauge series (<c>asterisk_registration_registered</c>,
/// <c>asterisk_endpoint_reachable</c>, <c>asterisk_contact_roundtrip_seconds</c>,
/// <c>asterisk_channels_active</c>) is withdrawn: a last-known value would claim a truth nobody can
/// see. Counters and the histogram keep their series. Series for registrations, endpoints and
/// contacts that disappear are withdrawn too. Labels are bounded: endpoint and registration names
/// come from pjsip.conf, the contact label is the AOR (suffixed <c>/N</c> when an AOR has several
/// contacts), never a URI, channel id, number or address; channels of no PJSIP endpoint count under
/// endpoint <c>other</c>.
/// </remarks>
public sealed class PbxMetrics : IDisposable
{
    /// <summary>The endpoint label of channels that have no PJSIP endpoint.</summary>
    public const string OtherEndpoint = "other";

    private static readonly double[] DurationBuckets = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];

    private readonly PbxStateStore _store;
    private readonly Lock _renderGate = new();
    private readonly Gauge _amiConnected;
    private readonly Counter _amiEvents;
    private readonly Counter _amiReconnects;
    private readonly Gauge _lastEventAge;
    private readonly SeriesSet<string> _registered;
    private readonly Counter _transitions;
    private readonly SeriesSet<string> _reachable;
    private readonly SeriesSet<(string Endpoint, string Contact)> _contactReachable;
    private readonly SeriesSet<(string Endpoint, string Contact)> _roundtrip;
    private readonly SeriesSet<string> _channelsActive;
    private readonly ChildCache<string, Counter.Child> _calls;
    private readonly ChildCache<(string Endpoint, int Cause), Counter.Child> _hangups;
    private readonly ChildCache<(string Registration, string Status), Counter.Child> _transitionChildren;
    private readonly ChildCache<string, Counter.Child> _eventChildren;
    private readonly Histogram _callDuration;
    private PbxSnapshot? _rendered;

    /// <summary>Creates the metrics in <paramref name="registry"/> and renders them from <paramref name="store"/> on every collect.</summary>
    public PbxMetrics(PbxStateStore store, CollectorRegistry registry)
    {
        _store = store;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _amiConnected = factory.CreateGauge("watchdog_ami_connected", "1 while the agent is logged in to AMI.");
        _amiEvents = factory.CreateCounter("watchdog_ami_events_total", "AMI events received, by event name (capped; the rest count as \"other\").", "event");
        _amiReconnects = factory.CreateCounter("watchdog_ami_reconnects_total", "Successful AMI logins after the first.");
        _lastEventAge = factory.CreateGauge("watchdog_ami_last_event_age_seconds", "Seconds since the last AMI event.",
            new GaugeConfiguration { SuppressInitialValue = true });
        var registered = factory.CreateGauge("asterisk_registration_registered", "1 when the outbound registration is Registered.", "registration");
        _registered = new(k => registered.WithLabels(k), k => registered.RemoveLabelled(k));
        _transitions = factory.CreateCounter("asterisk_registration_transitions_total", "Outbound registration status changes, by new status.", "registration", "status");
        _transitionChildren = new(k => _transitions.WithLabels(k.Registration, k.Status));
        var reachable = factory.CreateGauge("asterisk_endpoint_reachable",
            "1 when any contact of the endpoint is Reachable or NonQualified, 0 when every contact with a qualify result is Unreachable; absent when there is nothing to reach (no contact).", "endpoint");
        _reachable = new(k => reachable.WithLabels(k), k => reachable.RemoveLabelled(k));
        var contactReachable = factory.CreateGauge("asterisk_contact_reachable",
            "Qualify result of one contact: 1 Reachable or NonQualified, 0 Unreachable; absent before the first result.", "endpoint", "contact");
        _contactReachable = new(k => contactReachable.WithLabels(k.Endpoint, k.Contact), k => contactReachable.RemoveLabelled(k.Endpoint, k.Contact));
        var roundtrip = factory.CreateGauge("asterisk_contact_roundtrip_seconds", "Last qualify round trip of a reachable contact.", "endpoint", "contact");
        _roundtrip = new(k => roundtrip.WithLabels(k.Endpoint, k.Contact), k => roundtrip.RemoveLabelled(k.Endpoint, k.Contact));
        var channelsActive = factory.CreateGauge("asterisk_channels_active", "Active channels, by endpoint.", "endpoint");
        _channelsActive = new(k => channelsActive.WithLabels(k), k => channelsActive.RemoveLabelled(k));
        var calls = factory.CreateCounter("asterisk_calls_total", "Channels created, by endpoint.", "endpoint");
        _calls = new(k => calls.WithLabels(k));
        var hangups = factory.CreateCounter("asterisk_hangups_total", "Channels hung up, by endpoint and Q.850 cause.", "endpoint", "cause");
        _hangups = new(k => hangups.WithLabels(k.Endpoint, CauseLabel(k.Cause)));
        _eventChildren = new(k => _amiEvents.WithLabels(k));
        _callDuration = factory.CreateHistogram("asterisk_call_duration_seconds", "Lifetime of ended channels, by endpoint.",
            new HistogramConfiguration { LabelNames = ["endpoint"], Buckets = DurationBuckets });

        store.CallEnded += OnCallEnded;
        registry.AddBeforeCollectCallback(Render);
    }

    /// <summary>Maps a model endpoint name to its label value.</summary>
    public static string EndpointLabel(string endpoint) => endpoint.Length == 0 ? OtherEndpoint : endpoint;

    private void OnCallEnded(CallEnded call) =>
        _callDuration.WithLabels(EndpointLabel(call.Endpoint)).Observe(Math.Max(0, call.Duration.TotalSeconds));

    /// <summary>Brings every rendered series in line with the current snapshot. Runs before each collect.</summary>
    internal void Render()
    {
        var s = _store.Current;
        var now = _store.Time.GetUtcNow();
        lock (_renderGate)
        {
            _amiConnected.Set(s.Ami.Connected ? 1 : 0);
            _amiReconnects.IncTo(s.Ami.Reconnects);
            foreach (var (name, count) in _store.Events.Snapshot())
            {
                _eventChildren.Get(name).IncTo(count);
            }
            if (_store.Events.LastEventAt is { } last)
            {
                _lastEventAge.Set(Math.Max(0, (now - last).TotalSeconds));
            }

            // Every PBX series is a function of the snapshot: an unchanged snapshot needs no work.
            if (ReferenceEquals(s, _rendered)) return;
            RenderTotals(s.Totals);
            if (s.Ami.Connected)
            {
                RenderGauges(s);
            }
            _registered.Commit();
            _reachable.Commit();
            _contactReachable.Commit();
            _roundtrip.Commit();
            _channelsActive.Commit();
            _rendered = s;
        }
    }

    private void RenderTotals(PbxTotals totals)
    {
        foreach (var (registration, byStatus) in totals.RegistrationTransitions)
        {
            foreach (var (status, count) in byStatus)
            {
                _transitionChildren.Get((registration, status)).IncTo(count);
            }
        }
        foreach (var (endpoint, calls) in totals.Calls)
        {
            var label = EndpointLabel(endpoint);
            _calls.Get(label).IncTo(calls.CallsStarted);
            foreach (var (cause, count) in calls.HangupsByCause)
            {
                _hangups.Get((label, cause)).IncTo(count);
            }
        }
    }

    /// <summary>
    /// Creates the counter series of every known registration and endpoint at zero, so that the first
    /// transition, call or RTP-timeout hangup shows as an increase (Prometheus needs a sample before it).
    /// </summary>
    private void PrepareCounters(PbxSnapshot s)
    {
        // Membership changes only with a resync (or a first sight): skip the walk otherwise.
        var membership = (s.LastResyncAt, s.Registrations.Count, s.Endpoints.Count);
        if (membership == _preparedFor)
        {
            return;
        }
        _preparedFor = membership;
        foreach (var reg in s.Registrations.Keys)
        {
            foreach (var status in PreparedStatuses)
            {
                _transitionChildren.Get((reg, status));
            }
        }
        foreach (var endpoint in s.Endpoints.Keys)
        {
            var label = EndpointLabel(endpoint);
            _calls.Get(label);
            foreach (var cause in PreparedCauses)
            {
                _hangups.Get((label, cause));
            }
        }
    }

    private (DateTimeOffset?, int, int) _preparedFor;

    private static readonly string[] PreparedStatuses = ["Registered", "Unregistered", "Rejected"];

    /// <summary>
    /// "Requested channel not available", what an RTP timeout shows as. (Histograms and other causes
    /// are not pre-created: with a thousand endpoints they would multiply the size of every scrape.)
    /// </summary>
    private static readonly int[] PreparedCauses = [44];

    private void RenderGauges(PbxSnapshot s)
    {
        PrepareCounters(s);
        foreach (var reg in s.Registrations.Values)
        {
            _registered.Set(reg.Name, reg.IsRegistered ? 1 : 0);
        }

        var active = s.ActiveChannelsByEndpoint();
        foreach (var endpoint in s.Endpoints.Values)
        {
            if (endpoint.Reachability is { } reachable)
            {
                _reachable.Set(endpoint.Name, reachable ? 1 : 0);
            }
            _channelsActive.Set(endpoint.Name, active.GetValueOrDefault(endpoint.Name));
            foreach (var (contact, label) in ContactLabels(endpoint))
            {
                if (contact.HasResult)
                {
                    _contactReachable.Set((endpoint.Name, label), contact.IsReachable ? 1 : 0);
                }
                if (contact.RoundtripUsec is { } rtt && contact.IsReachable)
                {
                    _roundtrip.Set((endpoint.Name, label), rtt / 1_000_000.0);
                }
            }
        }
        // Channels on endpoints the model does not list (yet), and non-PJSIP channels.
        var other = 0;
        foreach (var (endpoint, count) in active)
        {
            if (endpoint.Length == 0 || !s.Endpoints.ContainsKey(endpoint))
            {
                if (endpoint.Length == 0) other += count;
                else _channelsActive.Set(endpoint, count);
            }
        }
        if (other > 0) _channelsActive.Set(OtherEndpoint, other);
    }

    /// <summary>The AOR, or <c>aor/N</c> (1-based, in URI order) when the AOR has several contacts.</summary>
    internal static IEnumerable<(ContactState Contact, string Label)> ContactLabels(EndpointState endpoint)
    {
        if (endpoint.Contacts.Count == 1)
        {
            foreach (var c in endpoint.Contacts.Values) yield return (c, c.Aor);
            yield break;
        }
        foreach (var group in endpoint.Contacts.Values.GroupBy(c => c.Aor, StringComparer.Ordinal))
        {
            var ordered = group.OrderBy(c => c.Uri, StringComparer.Ordinal).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                yield return (ordered[i], ordered.Count == 1 ? group.Key : $"{group.Key}/{i + 1}");
            }
        }
    }

    private static string CauseLabel(int cause) => cause is >= 0 and <= 127 ? CauseLabels[cause] : "unknown";

    private static readonly string[] CauseLabels = Enumerable.Range(0, 128).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <inheritdoc />
    public void Dispose() => _store.CallEnded -= OnCallEnded;

    /// <summary>Label children by key, so a render does not rebuild label sets.</summary>
    private sealed class ChildCache<TKey, TChild>(Func<TKey, TChild> create)
        where TKey : notnull
    {
        private readonly Dictionary<TKey, TChild> _children = [];

        public TChild Get(TKey key)
        {
            if (!_children.TryGetValue(key, out var child))
            {
                child = create(key);
                _children[key] = child;
            }
            return child;
        }
    }

    /// <summary>A labelled gauge whose series not set since the last <see cref="Commit"/> are removed.</summary>
    private sealed class SeriesSet<TKey>(Func<TKey, Gauge.Child> create, Action<TKey> remove)
        where TKey : notnull
    {
        private readonly Dictionary<TKey, Gauge.Child> _children = [];
        private readonly HashSet<TKey> _current = [];
        private readonly List<TKey> _stale = [];

        public void Set(TKey key, double value)
        {
            if (!_children.TryGetValue(key, out var child))
            {
                child = create(key);
                _children[key] = child;
            }
            child.Set(value);
            _current.Add(key);
        }

        public void Commit()
        {
            foreach (var key in _children.Keys)
            {
                if (!_current.Contains(key)) _stale.Add(key);
            }
            foreach (var key in _stale)
            {
                remove(key);
                _children.Remove(key);
            }
            _stale.Clear();
            _current.Clear();
        }
    }
}
