namespace Watchdog.Agent.Alerting;

/// <summary>What happened. Values are stable (they may be stored or logged); add new kinds at the end.</summary>
public enum AlertKind
{
    /// <summary>An outbound registration (trunk) stopped being registered.</summary>
    RegistrationLost = 1,
    /// <summary>Resolves <see cref="RegistrationLost"/>.</summary>
    RegistrationRestored = 2,
    /// <summary>An endpoint stopped answering qualify.</summary>
    EndpointUnreachable = 3,
    /// <summary>Resolves <see cref="EndpointUnreachable"/>.</summary>
    EndpointReachable = 4,
    /// <summary>RTP timeouts on an endpoint rose above normal.</summary>
    RtpTimeoutSpike = 5,
    /// <summary>Authentication failures from a source rose above normal.</summary>
    AttackSpike = 6,
    /// <summary>An address was banned.</summary>
    Ban = 7,
    /// <summary>The watchdog ran a healing action; see <see cref="Alert.Outcome"/>.</summary>
    Remediation = 8,
    /// <summary>Healing stopped because too many actions ran in a short time.</summary>
    RemediationCapReached = 9,
    /// <summary>Resolves <see cref="RemediationCapReached"/>.</summary>
    RemediationCapCleared = 10,
    /// <summary>The AMI connection to Asterisk is down.</summary>
    AmiDown = 11,
    /// <summary>Resolves <see cref="AmiDown"/>.</summary>
    AmiUp = 12,
    /// <summary>A SIP DNS record of this PBX is missing, leads elsewhere, or changed.</summary>
    DnsRecordProblem = 13,
    /// <summary>A TLS certificate expires within the warning window or is invalid.</summary>
    TlsCertificateProblem = 14,
    /// <summary>Asterisk's resident memory grows steadily (a leak).</summary>
    AsteriskMemoryGrowing = 15,
    /// <summary>Asterisk has nearly as many open file descriptors as it may.</summary>
    AsteriskFdsNearLimit = 16,
    /// <summary>A provider's request matched no endpoint: the trunk's identify lacks its address.</summary>
    TrunkUnmatchedRequest = 17,
    /// <summary>Calls on a trunk lose media and the NAT or firewall set-up explains it.</summary>
    TrunkNoAudio = 18,
    /// <summary>A SIP trace captured while a trunk failed.</summary>
    SipEvidence = 19,
    /// <summary>Asterisk's service is down (systemd says failed or inactive).</summary>
    AsteriskDown = 20,
    /// <summary>Resolves <see cref="AsteriskDown"/>.</summary>
    AsteriskUp = 21,
    /// <summary>Maintenance: every actuator is paused.</summary>
    MaintenanceOn = 22,
    /// <summary>Resolves <see cref="MaintenanceOn"/>.</summary>
    MaintenanceOff = 23,
}

/// <summary>How urgent an alert is.</summary>
public enum AlertSeverity
{
    /// <summary>For the record; nothing to do.</summary>
    Info = 0,
    /// <summary>Degraded; look soon.</summary>
    Warning = 1,
    /// <summary>Calls are failing or the watchdog is blind; look now.</summary>
    Critical = 2,
}

/// <summary>How a healing action ended.</summary>
public enum RemediationOutcome
{
    /// <summary>The action ran and the fault cleared within its wait (healed).</summary>
    Succeeded = 1,
    /// <summary>The action ran and failed, or the fault stayed.</summary>
    Failed = 2,
    /// <summary>The action was not run (cooldown, dry run).</summary>
    Skipped = 3,
    /// <summary>Asterisk accepted the command; whether it healed anything is told by the recovery.</summary>
    Sent = 4,
}

/// <summary>
/// One thing worth telling a person about. Producers (detection, healing, security) build these;
/// <see cref="AlertDispatcher"/> de-duplicates, groups and delivers them.
/// </summary>
public sealed record Alert
{
    /// <summary>Creates an alert.</summary>
    /// <param name="kind">What happened.</param>
    /// <param name="severity">How urgent it is.</param>
    /// <param name="subject">What it happened to: a registration, endpoint, IP address or "ami".</param>
    /// <param name="occurredAt">When the producer saw it (from its <see cref="TimeProvider"/>).</param>
    public Alert(AlertKind kind, AlertSeverity severity, string subject, DateTimeOffset occurredAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        Kind = kind;
        Severity = severity;
        Subject = subject;
        OccurredAt = occurredAt;
    }

    /// <summary>What happened.</summary>
    public AlertKind Kind { get; }

    /// <summary>How urgent it is.</summary>
    public AlertSeverity Severity { get; }

    /// <summary>What it happened to (registration, endpoint, IP address, …).</summary>
    public string Subject { get; }

    /// <summary>When the producer saw it.</summary>
    public DateTimeOffset OccurredAt { get; }

    /// <summary>For remediations: how the action ended.</summary>
    public RemediationOutcome? Outcome { get; init; }

    /// <summary>Context shown under the headline ("status", "cause", "count", "action", …). Values must hold no secrets.</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = EmptyDetails;

    /// <summary>
    /// Repeats with the same key inside the de-duplication window are dropped.
    /// Defaults to kind, subject and (for remediations) outcome.
    /// </summary>
    public string Key
    {
        get => _key ??= Outcome is { } outcome ? $"{Kind}:{Subject}:{outcome}" : $"{Kind}:{Subject}";
        init => _key = value;
    }

    /// <summary>True when this alert announces the recovery from an earlier problem (e.g. <see cref="AlertKind.RegistrationRestored"/>).</summary>
    public bool IsResolved => AlertKinds.ProblemResolvedBy(Kind) is not null;

    private string? _key;

    private static readonly IReadOnlyDictionary<string, string> EmptyDetails = new Dictionary<string, string>();
}

/// <summary>Which kinds resolve which.</summary>
public static class AlertKinds
{
    /// <summary>The problem kind that <paramref name="kind"/> resolves, or null when it resolves nothing.</summary>
    public static AlertKind? ProblemResolvedBy(AlertKind kind) => kind switch
    {
        AlertKind.RegistrationRestored => AlertKind.RegistrationLost,
        AlertKind.EndpointReachable => AlertKind.EndpointUnreachable,
        AlertKind.RemediationCapCleared => AlertKind.RemediationCapReached,
        AlertKind.AmiUp => AlertKind.AmiDown,
        AlertKind.AsteriskUp => AlertKind.AsteriskDown,
        AlertKind.MaintenanceOff => AlertKind.MaintenanceOn,
        _ => null,
    };

    /// <summary>True when <paramref name="kind"/> is a problem that a later alert can resolve.</summary>
    public static bool IsResolvable(AlertKind kind) => kind is
        AlertKind.RegistrationLost or AlertKind.EndpointUnreachable or AlertKind.RemediationCapReached or AlertKind.AmiDown
        or AlertKind.AsteriskDown or AlertKind.MaintenanceOn;
}
