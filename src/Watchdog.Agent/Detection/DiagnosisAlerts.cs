using System.Globalization;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Probes;
using Watchdog.Agent.Doctor;

namespace Watchdog.Agent.Detection;

/// <summary>
/// Turns periodic check results into alerts: once when a problem appears (or changes), again only after it
/// cleared. Called from one loop per check; each check's state is its own.
/// </summary>
public sealed class DiagnosisAlerts(IAlertPublisher alerts, TimeProvider time)
{
    private readonly HashSet<string> _dnsBad = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _tlsBad = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private bool _leaking;
    private bool _fdsNearLimit;

    /// <summary>Alerts on record sets that went missing or wrong, and on answers that changed (of record sets clients use).</summary>
    public void OnDns(IReadOnlyList<SipDnsResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        lock (_gate)
        {
            foreach (var r in results)
            {
                var subject = $"{r.Domain} {SipDnsRecordLabel.Of(r.Record)}";
                if (r.Ok)
                {
                    _dnsBad.Remove(subject);
                }
                if (!r.Ok && _dnsBad.Add(subject))
                {
                    var finding = DoctorFindings.FromDns(r);
                    Publish(AlertKind.DnsRecordProblem, AlertSeverity.Critical, subject, $"dns:{subject}:bad",
                        ("problem", r.Detail), ("answer", r.Answer), ("fix", finding.Fix));
                }
                else if (r.Changed && !r.NotUsed)
                {
                    // A record set off the resolution path (the website's A when SRV exists) may move at will.
                    Publish(AlertKind.DnsRecordProblem, AlertSeverity.Warning, subject, $"dns:{subject}:changed:{r.Answer}",
                        ("problem", "the answer changed"), ("previous", r.PreviousAnswer ?? ""), ("answer", r.Answer));
                }
            }
        }
    }

    /// <summary>Alerts when a target's problems appear or change (expiring soon is a warning, anything else critical).</summary>
    public void OnTls(IReadOnlyList<TlsCheckResult> results, IReadOnlyList<TlsTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(targets);
        lock (_gate)
        {
            foreach (var r in results)
            {
                if (r.Ok)
                {
                    _tlsBad.Remove(r.Target);
                    continue;
                }
                var problems = string.Join(",", r.Problems.Order());
                if (_tlsBad.TryGetValue(r.Target, out var known) && known == problems)
                {
                    continue;
                }
                _tlsBad[r.Target] = problems;
                var target = targets.FirstOrDefault(t => t.Name == r.Target) ?? new TlsTarget(r.Target, r.Target, 0);
                var finding = DoctorFindings.FromTls(r, target);
                Publish(AlertKind.TlsCertificateProblem, finding.Severity == FindingSeverity.Critical ? AlertSeverity.Critical : AlertSeverity.Warning,
                    r.Target, $"tls:{r.Target}:{problems}",
                    ("problems", problems),
                    ("days_to_expiry", r.DaysToExpiry?.ToString(CultureInfo.InvariantCulture) ?? "unknown"),
                    ("detail", r.Detail), ("fix", finding.Fix));
            }
        }
    }

    /// <summary>Alerts on the rising edge of a memory leak verdict and of descriptor pressure.</summary>
    public void OnProcess(ProcessHealth health)
    {
        ArgumentNullException.ThrowIfNull(health);
        if (health.Snapshot is not { } s)
        {
            return;
        }
        lock (_gate)
        {
            var leaking = health.Growth?.Leaking == true;
            if (leaking && !_leaking)
            {
                var mbPerHour = health.Growth!.SlopeBytesPerHour / (1024 * 1024);
                Publish(AlertKind.AsteriskMemoryGrowing, AlertSeverity.Warning, "asterisk", "process:leak",
                    ("pid", s.Pid.ToString(CultureInfo.InvariantCulture)),
                    ("rss_mb", (s.ResidentBytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture)),
                    ("growth_mb_per_hour", mbPerHour.ToString("F1", CultureInfo.InvariantCulture)),
                    ("fit", health.Growth.Fit.ToString("F2", CultureInfo.InvariantCulture)));
            }
            _leaking = leaking;
            if (health.FdsNearLimit && !_fdsNearLimit)
            {
                Publish(AlertKind.AsteriskFdsNearLimit, AlertSeverity.Warning, "asterisk", "process:fds",
                    ("pid", s.Pid.ToString(CultureInfo.InvariantCulture)),
                    ("open_fds", s.OpenFds.ToString(CultureInfo.InvariantCulture)),
                    ("max_fds", s.MaxFds?.ToString(CultureInfo.InvariantCulture) ?? "unknown"));
            }
            _fdsNearLimit = health.FdsNearLimit;
        }
    }

    private void Publish(AlertKind kind, AlertSeverity severity, string subject, string key, params (string Key, string Value)[] details) =>
        alerts.Publish(new Alert(kind, severity, subject, time.GetUtcNow())
        {
            Key = key,
            Details = details.Where(d => d.Value.Length > 0).ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal),
        });
}
