using Watchdog.Agent.Metrics;
using Watchdog.Agent.State;

namespace Watchdog.Agent.Api;

/// <summary>The body of <c>GET /api/status</c>.</summary>
public sealed record StatusDocument(
    AmiStatus Ami, AsteriskStatus Asterisk, IReadOnlyList<RegistrationStatus> Registrations,
    IReadOnlyList<EndpointStatus> Endpoints, ChannelsStatus Channels, DateTimeOffset? LastResyncAt)
{
    /// <summary>Active bans (when the ban pipeline runs).</summary>
    public IReadOnlyList<BanStatus> Bans { get; init; } = [];

    /// <summary>The most recent actions the agent took, oldest first.</summary>
    public IReadOnlyList<Alerting.ActionRecord> RecentActions { get; init; } = [];

    /// <summary>Whether healing runs in dry-run (actions are logged, not done).</summary>
    public bool DryRun { get; init; }

    /// <summary>True while AMI is down and the PBX data (registrations, endpoints, channels) is last-known, not current.</summary>
    public bool Stale { get; init; }

    /// <summary>How old the last-known PBX data is (seconds since AMI went down); null while current.</summary>
    public double? StaleSeconds { get; init; }

    /// <summary>The maintenance switch: <c>{ active, until, reason }</c>.</summary>
    public Healing.MaintenanceState Maintenance { get; init; } = Healing.MaintenanceState.Off;

    /// <summary>The latest SIP trace captured per trunk after a failure (credentials masked).</summary>
    public IReadOnlyList<Diagnosis.TrunkEvidence> Evidence { get; init; } = [];

    /// <summary>The fleet link, when the agent shares bans with a fleet.</summary>
    public Fleet.FleetStatus? Fleet { get; init; }

    /// <summary>The agent itself: version, uptime, what is enabled, the action budget, alert delivery, warnings (null when the host does not say).</summary>
    public AgentSection? Agent { get; init; }

    /// <summary>Builds the document from one snapshot.</summary>
    public static StatusDocument From(PbxSnapshot s, DateTimeOffset? lastEventAt, DateTimeOffset now)
    {
        var active = s.ActiveChannelsByEndpoint();
        return new(
            new AmiStatus(s.Ami.Connected ? "connected" : "down", s.Ami.Since, s.Ami.Reconnects, s.Ami.LastDisconnectReason,
                lastEventAt is { } last ? Math.Max(0, (now - last).TotalSeconds) : null)
            {
                LastDisconnect = s.Ami.LastOutage is { } outage ? AmiOutageText.Describe(outage, now) : null,
                FirstCause = s.Ami.LastOutage is { } o ? AmiOutageText.Cause(o, now) : null,
                LastDisconnectAt = s.Ami.LastOutage?.Cause.At,
                LatestDisconnectReason = s.Ami.CurrentDisconnectReason,
                FailedAttempts = s.Ami.LastOutage?.FailedAttempts,
            },
            new AsteriskStatus(s.Asterisk.Version, s.Asterisk.StartedAt, s.Asterisk.UptimeAt(now)?.TotalSeconds),
            s.Registrations.Values.OrderBy(r => r.Name, StringComparer.Ordinal)
                .Select(r => new RegistrationStatus(r.Name, r.Endpoint, r.Status, r.IsRegistered, r.LastChangeAt, r.LastErrorStatus, r.LastErrorAt,
                    r.History.Select(h => new TransitionStatus(h.At, h.From, h.To)).ToList()))
                .ToList(),
            s.Endpoints.Values.OrderBy(e => e.Name, StringComparer.Ordinal)
                .Select(e => new EndpointStatus(e.Name, e.Reachability, e.DeviceState, active.GetValueOrDefault(e.Name),
                    PbxMetrics.ContactLabels(e).Select(c => new ContactStatus(c.Label, c.Contact.Uri, c.Contact.Status,
                        c.Contact.RoundtripUsec is { } rtt ? rtt / 1000.0 : null)).ToList()))
                .ToList(),
            new ChannelsStatus(s.Channels.Count,
                active.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary(a => PbxMetrics.EndpointLabel(a.Key), a => a.Value)),
            s.LastResyncAt)
        {
            Stale = !s.Ami.Connected && s.LastResyncAt is not null,
            StaleSeconds = !s.Ami.Connected && s.LastResyncAt is not null && s.Ami.Since is { } down ? Math.Max(0, (now - down).TotalSeconds) : null,
        };
    }
}

/// <summary>AMI link: <c>connected</c> or <c>down</c>; while down, everything else is last-known.</summary>
public sealed record AmiStatus(string State, DateTimeOffset? Since, long Reconnects, string? LastDisconnectReason, double? LastEventAgeSeconds)
{
    /// <summary>Where AMI is (<c>host:port</c>).</summary>
    public string? Endpoint { get; init; }

    /// <summary>While down: when the next connection attempt is due.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>
    /// The last outage in one sentence with its times: the most informative cause, then what the reconnect
    /// attempts ran into ("Asterisk shut down cleanly at 12:03:41Z (restart: no); since then: connection
    /// refused by 127.0.0.1:5038, 5 attempts, the last at 12:04:30Z"). Kept after the reconnect.
    /// </summary>
    public string? LastDisconnect { get; init; }

    /// <summary>The cause alone, as a sentence with its time (the code is <see cref="LastDisconnectReason"/>).</summary>
    public string? FirstCause { get; init; }

    /// <summary>When the cause happened (a shutdown: when Asterisk announced it).</summary>
    public DateTimeOffset? LastDisconnectAt { get; init; }

    /// <summary>The code of the newest failure of the outage (e.g. <c>ConnectFailed</c> after a <c>ServerShutdown</c>).</summary>
    public string? LatestDisconnectReason { get; init; }

    /// <summary>Reconnect attempts that failed after the cause.</summary>
    public int? FailedAttempts { get; init; }
}

/// <summary>Asterisk version and uptime.</summary>
public sealed record AsteriskStatus(string? Version, DateTimeOffset? StartedAt, double? UptimeSeconds);

/// <summary>One outbound registration.</summary>
public sealed record RegistrationStatus(
    string Name, string Endpoint, string Status, bool Registered, DateTimeOffset? LastChangeAt, string? LastErrorStatus,
    DateTimeOffset? LastErrorAt, IReadOnlyList<TransitionStatus> History)
{
    /// <summary>The cause Asterisk logged for the last failure (403, timeout, max_retries, a SIP code), when known.</summary>
    public string? LastFailureCause { get; init; }

    /// <summary>Whether Asterisk stopped retrying (it will not come back by itself).</summary>
    public bool? FailurePermanent { get; init; }

    /// <summary>When <see cref="LastFailureCause"/> was last seen; kept after the registration recovered.</summary>
    public DateTimeOffset? LastFailureAt { get; init; }
}

/// <summary>One active ban.</summary>
public sealed record BanStatus(string Address, string Source, string Reason, DateTimeOffset BannedAt, DateTimeOffset Until, int Offence)
{
    /// <summary>"local", or the fleet agent that decided the ban.</summary>
    public string Origin { get; init; } = Security.BanEntry.LocalOrigin;
}

/// <summary>One registration status change.</summary>
public sealed record TransitionStatus(DateTimeOffset At, string From, string To);

/// <summary>One endpoint, its reachability (null: nothing to reach — no contact, or no qualify result yet) and contacts.</summary>
public sealed record EndpointStatus(string Name, bool? Reachable, string DeviceState, int ActiveChannels, IReadOnlyList<ContactStatus> Contacts);

/// <summary>One contact; <paramref name="RoundtripMs"/> when reachable.</summary>
public sealed record ContactStatus(string Label, string Uri, string Status, double? RoundtripMs);

/// <summary>Active channels, in total and per endpoint.</summary>
public sealed record ChannelsStatus(int Active, IReadOnlyDictionary<string, int> ByEndpoint);
