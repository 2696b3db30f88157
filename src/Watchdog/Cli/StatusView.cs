namespace Watchdog.Cli;

// The CLI's reading of /api/status. Its own types, every field optional, so that a CLI and an agent of
// neighbouring versions still understand each other: a field the agent does not send stays null.

internal sealed record StatusView
{
    public AmiView Ami { get; init; } = new();
    public AsteriskView Asterisk { get; init; } = new();
    public List<RegistrationView> Registrations { get; init; } = [];
    public List<EndpointView> Endpoints { get; init; } = [];
    public ChannelsView Channels { get; init; } = new();
    public List<BanView> Bans { get; init; } = [];
    public List<ActionView> RecentActions { get; init; } = [];
    public bool DryRun { get; init; }

    /// <summary>True while the PBX facts are last-known (AMI down); <see cref="StaleSeconds"/> since when.</summary>
    public bool? Stale { get; init; }
    public double? StaleSeconds { get; init; }
    public MaintenanceView? Maintenance { get; init; }
    public AgentView? Agent { get; init; }
}

internal sealed record AmiView
{
    public string State { get; init; } = "unknown";
    public DateTimeOffset? Since { get; init; }
    public long Reconnects { get; init; }
    public string? LastDisconnectReason { get; init; }
    public double? LastEventAgeSeconds { get; init; }
    public string? Endpoint { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>The outage in one sentence (cause, then what the attempts ran into); older agents send only <see cref="LastDisconnectReason"/>.</summary>
    public string? LastDisconnect { get; init; }
    public DateTimeOffset? LastDisconnectAt { get; init; }
}

internal sealed record AsteriskView(string? Version = null, DateTimeOffset? StartedAt = null, double? UptimeSeconds = null);

internal sealed record RegistrationView
{
    public string Name { get; init; } = "";
    public string Status { get; init; } = "";
    public bool Registered { get; init; }
    public DateTimeOffset? LastChangeAt { get; init; }
    public string? LastErrorStatus { get; init; }
    public string? LastFailureCause { get; init; }
    public bool? FailurePermanent { get; init; }
}

internal sealed record EndpointView
{
    public string Name { get; init; } = "";

    /// <summary>Null: nothing to reach (no qualified contact); not the same as unreachable.</summary>
    public bool? Reachable { get; init; }
    public int ActiveChannels { get; init; }
    public List<ContactView> Contacts { get; init; } = [];
}

internal sealed record ContactView(string Label = "", string Status = "", double? RoundtripMs = null);

internal sealed record ChannelsView
{
    public int Active { get; init; }
    public Dictionary<string, int> ByEndpoint { get; init; } = [];
}

internal sealed record BanView
{
    public string Address { get; init; } = "";
    public string Source { get; init; } = "";
    public string Reason { get; init; } = "";
    public DateTimeOffset? BannedAt { get; init; }
    public DateTimeOffset Until { get; init; }
    public int Offence { get; init; }

    /// <summary>"local", or the name of the fleet agent the ban came from.</summary>
    public string? Origin { get; init; }
}

internal sealed record ActionView(DateTimeOffset At = default, string Action = "", string Reason = "", string Target = "", string Outcome = "");

internal sealed record MaintenanceView(bool Active = false, DateTimeOffset? Until = null, string? Reason = null);

internal sealed record AgentView
{
    public string? Version { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public double? UptimeSeconds { get; init; }
    public string? ConfigPath { get; init; }
    public bool? Healing { get; init; }
    public bool? Security { get; init; }
    public bool? DryRun { get; init; }
    public int? ActionsUsed { get; init; }
    public int? ActionsCap { get; init; }
    public List<AlertChannelView> AlertChannels { get; init; } = [];
    public List<string> Warnings { get; init; } = [];
}

internal sealed record AlertChannelView(string Name = "", string? LastResult = null, DateTimeOffset? LastAt = null, string? LastError = null);
