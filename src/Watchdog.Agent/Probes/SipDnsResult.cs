using Prometheus;

namespace Watchdog.Agent.Probes;

/// <summary>The record sets checked per domain; <see cref="SipDnsRecordLabel.Of"/> gives the metric label.</summary>
public enum SipDnsRecord
{
    /// <summary>NAPTR of the domain, pointing at the SRV names.</summary>
    Naptr,
    /// <summary><c>_sip._udp</c> SRV.</summary>
    SrvUdp,
    /// <summary><c>_sip._tcp</c> SRV.</summary>
    SrvTcp,
    /// <summary><c>_sips._tcp</c> SRV.</summary>
    SrvTls,
    /// <summary>A of the bare domain: what RFC 3263 clients use only when the domain has no SRV.</summary>
    A,
    /// <summary>AAAA of the bare domain: as <see cref="A"/>, and only where this host has a global IPv6 address.</summary>
    Aaaa,
}

/// <summary>Metric label values of <see cref="SipDnsRecord"/>.</summary>
public static class SipDnsRecordLabel
{
    /// <summary>naptr, srv_udp, srv_tcp, srv_tls, a or aaaa.</summary>
    public static string Of(SipDnsRecord record) => record switch
    {
        SipDnsRecord.Naptr => "naptr",
        SipDnsRecord.SrvUdp => "srv_udp",
        SipDnsRecord.SrvTcp => "srv_tcp",
        SipDnsRecord.SrvTls => "srv_tls",
        SipDnsRecord.A => "a",
        SipDnsRecord.Aaaa => "aaaa",
        _ => throw new ArgumentOutOfRangeException(nameof(record), record, null),
    };
}

/// <summary>The verdict on one record set of one domain.</summary>
/// <param name="Domain">The domain.</param>
/// <param name="Record">Which record set.</param>
/// <param name="Ok">It exists (or is rightly absent) and leads to this host, or it is not on the resolution path
/// (<see cref="NotUsed"/>).</param>
/// <param name="Detail">What is wrong, or "ok" (with why, when it is rightly absent or not used).</param>
/// <param name="Answer">The answer in a stable, sorted text form (what change detection compares).</param>
/// <param name="Changed">The answer differs from the previous run's.</param>
/// <param name="PreviousAnswer">The previous run's answer when <paramref name="Changed"/>.</param>
public sealed record SipDnsResult(string Domain, SipDnsRecord Record, bool Ok, string Detail, string Answer, bool Changed, string? PreviousAnswer)
{
    /// <summary>
    /// The record set is not on the RFC 3263 resolution path (the bare domain's A/AAAA when SRV records exist: usually
    /// the company website's web host). Reported for information, never a problem; a change of it is not alerted.
    /// </summary>
    public bool NotUsed { get; init; }
}

/// <summary><c>watchdog_dns_check_ok{domain,record}</c> and <c>watchdog_dns_answer_changes_total{domain,record}</c>.</summary>
public sealed class SipDnsMetrics
{
    private readonly Gauge _ok;
    private readonly Counter _changes;

    /// <summary>Creates the metrics in <paramref name="factory"/>.</summary>
    public SipDnsMetrics(IMetricFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _ok = factory.CreateGauge("watchdog_dns_check_ok", "1 when the SIP DNS record set leads to this host's public address and port (or is rightly absent, or not used because SRV exists).",
            new GaugeConfiguration { LabelNames = ["domain", "record"] });
        _changes = factory.CreateCounter("watchdog_dns_answer_changes_total", "Times a SIP DNS answer differed from the previous check.",
            new CounterConfiguration { LabelNames = ["domain", "record"] });
    }

    /// <summary>Publishes one result.</summary>
    public void Observe(SipDnsResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var label = SipDnsRecordLabel.Of(result.Record);
        _ok.WithLabels(result.Domain, label).Set(result.Ok ? 1 : 0);
        if (result.Changed)
        {
            _changes.WithLabels(result.Domain, label).Inc();
        }
    }
}
