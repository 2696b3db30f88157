using Microsoft.Extensions.Time.Testing;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Tests.Healing;
using Watchdog.Agent.Detection;
using Watchdog.Agent.Probes;

namespace Watchdog.Agent.Tests.Diagnosis;

public sealed class DiagnosisAlertsTests
{
    private readonly RecordingAlerts _published = new();
    private readonly DiagnosisAlerts _alerts;

    public DiagnosisAlertsTests() => _alerts = new DiagnosisAlerts(_published, new FakeTimeProvider());

    private static SipDnsResult Dns(bool ok, string answer = "203.0.113.10", bool changed = false, string? previous = null) =>
        new("pbx.example.com", SipDnsRecord.A, ok, ok ? "ok" : "no A record", answer, changed, previous);

    private static TlsCheckResult Tls(params TlsProblem[] problems) =>
        new("elevenlabs", problems, "detail", "CN=sip.rtc.elevenlabs.io", null, problems.Contains(TlsProblem.ExpiresSoon) ? 5 * 86400 : null);

    private static readonly TlsTarget[] Targets = [new("elevenlabs", "sip.rtc.elevenlabs.io", 5061)];

    [Fact]
    public void Missing_dns_record_alerts_once_until_it_is_back()
    {
        _alerts.OnDns([Dns(ok: false, answer: "(none)")]);
        _alerts.OnDns([Dns(ok: false, answer: "(none)")]);
        _alerts.OnDns([Dns(ok: true)]);
        _alerts.OnDns([Dns(ok: false, answer: "(none)")]);

        Assert.Equal(2, _published.Published.Count);
        var alert = _published.Published.First();
        Assert.Equal(AlertKind.DnsRecordProblem, alert.Kind);
        Assert.Equal(AlertSeverity.Critical, alert.Severity);
        Assert.Equal("pbx.example.com a", alert.Subject);
        Assert.Contains("pbx.example.com", alert.Details["fix"], StringComparison.Ordinal);
    }

    [Fact]
    public void Changed_dns_answer_alerts_with_previous_and_current()
    {
        _alerts.OnDns([Dns(ok: true, answer: "198.51.100.1", changed: true, previous: "203.0.113.10")]);

        var alert = Assert.Single(_published.Published);
        Assert.Equal(AlertSeverity.Warning, alert.Severity);
        Assert.Equal("203.0.113.10", alert.Details["previous"]);
        Assert.Equal("198.51.100.1", alert.Details["answer"]);
    }

    [Fact]
    public void Website_address_moving_while_srv_exists_alerts_nothing_and_the_doctor_shows_it_as_info()
    {
        var moved = Dns(ok: true, answer: "198.51.100.81", changed: true, previous: "198.51.100.80") with
        {
            Detail = "not used: SRV exists, so clients go to the SRV targets (A 198.51.100.81)",
            NotUsed = true,
        };

        _alerts.OnDns([moved]);

        Assert.Empty(_published.Published);
        var finding = Watchdog.Agent.Doctor.DoctorFindings.FromDns(moved);
        Assert.Equal(Watchdog.Agent.Doctor.FindingSeverity.Info, finding.Severity);
        Assert.Contains("not used: SRV exists", finding.Found, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_expiring_soon_warns_and_alerts_again_as_critical_when_it_expires()
    {
        _alerts.OnTls([Tls(TlsProblem.ExpiresSoon)], Targets);
        _alerts.OnTls([Tls(TlsProblem.ExpiresSoon)], Targets);
        _alerts.OnTls([Tls(TlsProblem.Expired)], Targets);

        Assert.Equal([AlertSeverity.Warning, AlertSeverity.Critical], _published.Published.Select(a => a.Severity));
        Assert.All(_published.Published, a => Assert.Equal(AlertKind.TlsCertificateProblem, a.Kind));
        Assert.Equal("5", _published.Published.First().Details["days_to_expiry"]);
        Assert.Contains("Renew", _published.Published.Last().Details["fix"], StringComparison.Ordinal);
    }

    [Fact]
    public void Leak_and_descriptor_pressure_alert_on_their_rising_edge_only()
    {
        var snapshot = new ProcessSnapshot(42, 900L * 1024 * 1024, 1, 10, 900, 1000);
        var leaking = new RssGrowth(20, 100d * 1024 * 1024, 0.95, true);
        _alerts.OnProcess(new ProcessHealth(snapshot, leaking, true, null));
        _alerts.OnProcess(new ProcessHealth(snapshot, leaking, true, null));
        _alerts.OnProcess(new ProcessHealth(snapshot, leaking with { Leaking = false }, false, null));
        _alerts.OnProcess(new ProcessHealth(snapshot, leaking, false, null));

        Assert.Equal([AlertKind.AsteriskMemoryGrowing, AlertKind.AsteriskFdsNearLimit, AlertKind.AsteriskMemoryGrowing], _published.Kinds);
        Assert.Equal("100.0", _published.Published.First().Details["growth_mb_per_hour"]);
        Assert.Equal("900", _published.Published.ElementAt(1).Details["open_fds"]);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ru")]
    public void Every_new_kind_has_a_headline_of_its_own_in_both_languages(string language)
    {
        var texts = AlertTextsProbe.Headlines(language);
        foreach (var kind in new[] { AlertKind.DnsRecordProblem, AlertKind.TlsCertificateProblem, AlertKind.AsteriskMemoryGrowing,
                     AlertKind.AsteriskFdsNearLimit, AlertKind.TrunkUnmatchedRequest, AlertKind.TrunkNoAudio, AlertKind.SipEvidence })
        {
            Assert.DoesNotContain(kind.ToString(), texts(kind), StringComparison.Ordinal);
        }
    }
}

/// <summary>Renders a headline through the public renderer (the texts class is internal).</summary>
internal static class AlertTextsProbe
{
    public static Func<AlertKind, string> Headlines(string language) => kind =>
    {
        var alert = new Alert(kind, AlertSeverity.Warning, "subject-x", DateTimeOffset.UnixEpoch);
        var n = new NotificationRenderer(language).Render([alert]);
        return n.Title;
    };
}
