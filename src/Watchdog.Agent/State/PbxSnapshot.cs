using System.Collections.Immutable;

namespace Watchdog.Agent.State;

/// <summary>
/// The agent's truth about the PBX at one instant. Immutable: readers (metrics, API) take
/// <see cref="PbxStateStore.Current"/> once and read a consistent picture without locks.
/// </summary>
/// <param name="Ami">The AMI link as the tracker last saw it.</param>
/// <param name="Asterisk">Version and start time, once read.</param>
/// <param name="Registrations">Outbound registrations by name.</param>
/// <param name="Endpoints">Endpoints by name, with their contacts.</param>
/// <param name="Channels">Active channels by Uniqueid.</param>
/// <param name="Totals">Cumulative counters; they survive resyncs and AMI outages.</param>
/// <param name="LastResyncAt">When the last full resync was applied.</param>
public sealed record PbxSnapshot(
    AmiLinkState Ami,
    AsteriskInfo Asterisk,
    ImmutableDictionary<string, RegistrationState> Registrations,
    ImmutableDictionary<string, EndpointState> Endpoints,
    ImmutableDictionary<string, ChannelState> Channels,
    PbxTotals Totals,
    DateTimeOffset? LastResyncAt)
{
    /// <summary>
    /// Bumped on every change. The store stamps it on a snapshot it has just made, before publishing it, while no
    /// reader can see it yet: one allocation per change instead of a second copy only to carry the number.
    /// </summary>
    public long Version { get; private set; }

    internal PbxSnapshot Stamp(long version)
    {
        Version = version;
        return this;
    }

    /// <summary>The state before anything is known: AMI down, nothing learned.</summary>
    public static PbxSnapshot Empty { get; } = new(
        AmiLinkState.Initial, AsteriskInfo.Unknown,
        ImmutableDictionary<string, RegistrationState>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<string, EndpointState>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<string, ChannelState>.Empty.WithComparers(StringComparer.Ordinal),
        PbxTotals.Empty, null);

    /// <summary>Active channels per endpoint (channels without a PJSIP endpoint count under <see cref="ChannelState.NoEndpoint"/>).</summary>
    public IReadOnlyDictionary<string, int> ActiveChannelsByEndpoint()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var channel in Channels.Values)
        {
            counts[channel.Endpoint] = counts.GetValueOrDefault(channel.Endpoint) + 1;
        }
        return counts;
    }
}

/// <summary>Whether the PBX view is live.</summary>
/// <param name="Connected">Logged in to AMI; when false every PBX value is last-known, not current.</param>
/// <param name="Since">When <paramref name="Connected"/> last changed.</param>
/// <param name="Logins">Successful logins since start (reconnects = logins − 1).</param>
/// <param name="LastOutage">The current outage while down, else the last one (kept after the reconnect); null before any.</param>
public sealed record AmiLinkState(bool Connected, DateTimeOffset? Since, long Logins, AmiOutage? LastOutage)
{
    /// <summary>Never connected.</summary>
    public static AmiLinkState Initial { get; } = new(false, null, 0, null);

    /// <summary>The most informative reason of the last outage (an <c>AmiDisconnectReason</c> name), if there was one.</summary>
    public string? LastDisconnectReason => LastOutage?.Cause.Reason;

    /// <summary>The reason of the newest failure of the last outage: what the link runs into now while down.</summary>
    public string? CurrentDisconnectReason => LastOutage?.Current.Reason;

    /// <summary>Logins after the first.</summary>
    public long Reconnects => Math.Max(0, Logins - 1);
}

/// <summary>What Asterisk says about itself.</summary>
/// <param name="Version">E.g. <c>22.10.1</c>.</param>
/// <param name="StartedAt">When Asterisk started (from <c>FullyBooted</c> Uptime or <c>CoreStatus</c>).</param>
public sealed record AsteriskInfo(string? Version, DateTimeOffset? StartedAt)
{
    /// <summary>Nothing known.</summary>
    public static AsteriskInfo Unknown { get; } = new(null, null);

    /// <summary>Uptime at <paramref name="now"/>; null when the start is unknown.</summary>
    public TimeSpan? UptimeAt(DateTimeOffset now) => StartedAt is { } s && now >= s ? now - s : null;
}

/// <summary>One status change of an outbound registration.</summary>
public sealed record RegistrationTransition(DateTimeOffset At, string From, string To);

/// <summary>An outbound registration (<c>registration</c> section of pjsip.conf).</summary>
/// <param name="Name">The section name, e.g. <c>mango-registration</c>.</param>
/// <param name="ClientUri">Matches the <c>Username</c> header of <c>Registry</c> events.</param>
/// <param name="ServerUri">Matches the <c>Domain</c> header of <c>Registry</c> events.</param>
/// <param name="Endpoint">The endpoint it registers for, if configured.</param>
/// <param name="Status">Registered, Unregistered, Rejected, … as Asterisk spells it.</param>
/// <param name="LastChangeAt">When <paramref name="Status"/> last changed (null if it never changed while watched).</param>
/// <param name="LastErrorStatus">The last non-Registered status seen (Rejected carries no cause on AMI).</param>
/// <param name="LastErrorAt">When <paramref name="LastErrorStatus"/> was seen.</param>
/// <param name="History">Recent transitions, oldest first, at most <see cref="PbxStateStore.HistoryLimit"/>.</param>
public sealed record RegistrationState(
    string Name, string ClientUri, string ServerUri, string Endpoint, string Status,
    DateTimeOffset? LastChangeAt, string? LastErrorStatus, DateTimeOffset? LastErrorAt,
    ImmutableArray<RegistrationTransition> History)
{
    /// <summary>The auth section it registers with (<c>outbound_auth</c>), when listed.</summary>
    public string OutboundAuth { get; init; } = "";

    /// <summary>Status is <c>Registered</c>.</summary>
    public bool IsRegistered => Status.Equals("Registered", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A contact of an endpoint's AOR.</summary>
/// <param name="Aor">The AOR name.</param>
/// <param name="Uri">The contact URI (holds an address: never a metric label).</param>
/// <param name="Status">Reachable, Unreachable, NonQualified, Unknown.</param>
/// <param name="RoundtripUsec">The last qualify round trip, when reachable.</param>
public sealed record ContactState(string Aor, string Uri, string Status, long? RoundtripUsec)
{
    /// <summary>
    /// Reachable, or NonQualified. A NonQualified contact has qualify disabled: Asterisk treats it as
    /// available and sends calls to it, so we count it as reachable too.
    /// </summary>
    public bool IsReachable =>
        Status.Equals("Reachable", StringComparison.OrdinalIgnoreCase) || Status.Equals("NonQualified", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether there is a result to report: Reachable, Unreachable or NonQualified. <c>Unknown</c> (qualify
    /// has not answered yet) and other states say nothing either way.
    /// </summary>
    public bool HasResult => IsReachable || Status.Equals("Unreachable", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A PJSIP endpoint.</summary>
/// <param name="Name">The endpoint name.</param>
/// <param name="DeviceState">From <c>EndpointList</c> (Not in use, Unavailable, …); informative only.</param>
/// <param name="Contacts">Contacts by URI.</param>
public sealed record EndpointState(string Name, string DeviceState, ImmutableDictionary<string, ContactState> Contacts)
{
    /// <summary>A new endpoint with no contacts.</summary>
    public static EndpointState Create(string name, string deviceState = "") =>
        new(name, deviceState, ImmutableDictionary<string, ContactState>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>
    /// Whether the endpoint can be reached: true when any contact is reachable, false when every contact with
    /// a result is unreachable, null when there is nothing to reach (no contact — a provider trunk identified
    /// by IP, a phone that is not registered — or no qualify result yet). Absent is not 0.
    /// </summary>
    public bool? Reachability => IsReachable ? true : Contacts.Values.Any(c => c.HasResult) ? false : null;

    /// <summary>Reachable when any contact is (see <see cref="ContactState.IsReachable"/>); an endpoint with no contact is not.</summary>
    public bool IsReachable
    {
        get
        {
            foreach (var c in Contacts.Values)
            {
                if (c.IsReachable) return true;
            }
            return false;
        }
    }
}

/// <summary>An active channel.</summary>
/// <param name="Uniqueid">Asterisk's unique id (never a metric label).</param>
/// <param name="Name">E.g. <c>PJSIP/mango-trunk-00000001</c>.</param>
/// <param name="Endpoint">Endpoint parsed from the name, or <see cref="NoEndpoint"/>.</param>
/// <param name="State">Ring, Up, … (ChannelStateDesc).</param>
/// <param name="CreatedAt">When it was created (from our clock, or from <c>Duration</c> on resync).</param>
public sealed record ChannelState(string Uniqueid, string Name, string Endpoint, string State, DateTimeOffset CreatedAt)
{
    /// <summary>The endpoint of a channel that is not a PJSIP channel (Local/, Message/, …).</summary>
    public const string NoEndpoint = "";

    /// <summary>
    /// The endpoint of a PJSIP channel: the part of <c>PJSIP/name-0000001</c> between '/' and the last '-'.
    /// Other technologies give <see cref="NoEndpoint"/>, since their names hold extensions, not endpoints.
    /// </summary>
    public static string EndpointOf(string channel)
    {
        var slash = channel.IndexOf('/');
        if (slash <= 0 || !channel.AsSpan(0, slash).Equals("PJSIP", StringComparison.OrdinalIgnoreCase)) return NoEndpoint;
        var dash = channel.LastIndexOf('-');
        return dash > slash + 1 ? channel[(slash + 1)..dash] : NoEndpoint;
    }
}

/// <summary>Calls counted on one endpoint since the agent started.</summary>
/// <param name="CallsStarted">Channels created on the endpoint.</param>
/// <param name="CallsEnded">Channels hung up on the endpoint.</param>
/// <param name="HangupsByCause">Hangups by Q.850 cause code.</param>
public sealed record EndpointCallTotals(long CallsStarted, long CallsEnded, ImmutableDictionary<int, long> HangupsByCause)
{
    /// <summary>Nothing counted.</summary>
    public static EndpointCallTotals Empty { get; } = new(0, 0, ImmutableDictionary<int, long>.Empty);
}

/// <summary>Cumulative counters. Never reset by a resync; they only grow.</summary>
/// <param name="Calls">Per endpoint.</param>
/// <param name="RegistrationTransitions">Per registration, per new status.</param>
public sealed record PbxTotals(
    ImmutableDictionary<string, EndpointCallTotals> Calls,
    ImmutableDictionary<string, ImmutableDictionary<string, long>> RegistrationTransitions)
{
    /// <summary>Nothing counted.</summary>
    public static PbxTotals Empty { get; } = new(
        ImmutableDictionary<string, EndpointCallTotals>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<string, ImmutableDictionary<string, long>>.Empty.WithComparers(StringComparer.Ordinal));
}

/// <summary>A channel that ended, with how long it lived.</summary>
public readonly record struct CallEnded(string Endpoint, int Cause, TimeSpan Duration);
