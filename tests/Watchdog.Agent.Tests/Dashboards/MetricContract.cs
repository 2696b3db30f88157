namespace Watchdog.Agent.Tests.Dashboards;

/// <summary>The metric names the agent exports and dashboards and alert rules may use.</summary>
public static class MetricContract
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "watchdog_ami_connected",
        "watchdog_ami_events_total",
        "watchdog_ami_reconnects_total",
        "watchdog_ami_last_event_age_seconds",
        "asterisk_registration_registered",
        "asterisk_registration_transitions_total",
        "asterisk_endpoint_reachable",
        "asterisk_contact_roundtrip_seconds",
        "asterisk_contact_reachable",
        "watchdog_maintenance",
        "asterisk_channels_active",
        "asterisk_calls_total",
        "asterisk_hangups_total",
        "asterisk_call_duration_seconds",
        "asterisk_rtp_timeouts_total",
        "watchdog_remediations_total",
        "watchdog_remediation_cap_reached",
        "watchdog_bans_active",
        "watchdog_bans_total",
        "watchdog_auth_failures_total",
        "asterisk_registration_failures_total",
        "asterisk_process_resident_memory_bytes",
        "asterisk_process_open_fds",
        "asterisk_process_max_fds",
        "asterisk_process_threads",
        "asterisk_process_up",
        "watchdog_fleet_connected",
        "watchdog_fleet_bans_total",
    };

    public static readonly IReadOnlySet<string> Histograms = new HashSet<string>(StringComparer.Ordinal) { "asterisk_call_duration_seconds" };

    /// <summary>True for a contract name, or a histogram's _bucket, _sum or _count series.</summary>
    public static bool Allows(string series) =>
        Names.Contains(series)
        || Histograms.Any(h => series == h + "_bucket" || series == h + "_sum" || series == h + "_count");
}
