using Microsoft.Extensions.Logging.Testing;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Tests.Healing;
using Watchdog.Agent.Detection;
using Watchdog.Agent.Sources;
using Watchdog.Agent.Doctor;

namespace Watchdog.Agent.Tests.Diagnosis;

public sealed class TrunkDiagnoserTests : IDisposable
{
    private const string Pjsip = """
        [transport-udp]
        type=transport
        protocol=udp
        bind=0.0.0.0:5060
        external_media_address=203.0.113.10
        external_signaling_address=203.0.113.10

        [mango-trunk]
        type=endpoint
        transport=transport-udp
        aors=mango-trunk-aor
        outbound_auth=mango-auth
        direct_media=no
        rtp_symmetric=yes

        [mango-trunk-aor]
        type=aor
        contact=sip:81.88.87.10:5060

        [mango-auth]
        type=auth
        username=u
        password=p

        [mango-registration]
        type=registration
        endpoint=mango-trunk
        outbound_auth=mango-auth
        server_uri=sip:sip.mangosip.ru
        client_uri=sip:u@sip.mangosip.ru

        [mango-trunk-identify]
        type=identify
        endpoint=mango-trunk
        match=sip.mangosip.ru

        [other-trunk]
        type=endpoint
        aors=other-trunk
        [other-trunk]
        type=aor
        contact=sip:198.51.100.7

        [other-identify-less]
        type=registration
        endpoint=other-trunk
        server_uri=sip:198.51.100.7
        client_uri=sip:u@198.51.100.7
        """;

    private static readonly IHostAddressProvider BehindNat = new FixedHostAddressProvider(IPAddress.Parse("10.0.0.5"));
    private readonly DoctorFixtures _fixtures = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
    private readonly RecordingAlerts _alerts = new();

    public void Dispose() => _fixtures.Dispose();

    private TrunkDiagnoser Diagnoser(string? pjsip = Pjsip, string ufw = "good")
    {
        if (pjsip is not null)
        {
            File.WriteAllText(Path.Combine(_fixtures.Directory, "pjsip.conf"), pjsip);
        }
        var settings = new DiagnosisSettings
        {
            Doctor = new DoctorOptions { ConfigDirectory = _fixtures.Directory, UfwPath = "/usr/sbin/ufw" },
            Trunks = new TrunkDiagnosisOptions
            {
                Providers = [new ProviderRanges("mango-trunk", ["81.88.86.0/24"])],
                UnmatchedAlertInterval = TimeSpan.FromHours(1),
                NoAudioCheckInterval = TimeSpan.FromMinutes(5),
            },
        };
        var audit = new DoctorAudit(settings.Doctor, FakeProcessRunner.Printing(DoctorFixtures.Ufw(ufw)), BehindNat, new FakeLogger<DoctorAudit>());
        return new TrunkDiagnoser(settings, audit, _alerts, _time, new FakeLogger<TrunkDiagnoser>());
    }

    private static UnmatchedRequest From(string address) => new("INVITE", IPAddress.Parse(address), 5060);

    [Fact(Timeout = 10_000)]
    public async Task Request_from_a_provider_range_alerts_with_the_match_line_for_the_trunks_identify()
    {
        var alert = await Diagnoser().OnUnmatchedAsync(From("81.88.86.41"), CancellationToken.None);

        Assert.NotNull(alert);
        Assert.Equal(AlertKind.TrunkUnmatchedRequest, alert.Kind);
        Assert.Equal("81.88.86.41", alert.Subject);
        Assert.Equal("mango-trunk", alert.Details["trunk"]);
        Assert.Equal("In pjsip.conf [mango-trunk-identify] add: match=81.88.86.41", alert.Details["fix"]);
        Assert.Same(alert, Assert.Single(_alerts.Published));
    }

    [Fact(Timeout = 10_000)]
    public async Task One_alert_per_address_within_the_interval_and_again_after_it()
    {
        var diagnoser = Diagnoser();

        Assert.NotNull(await diagnoser.OnUnmatchedAsync(From("81.88.86.41"), CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Null(await diagnoser.OnUnmatchedAsync(From("81.88.86.41"), CancellationToken.None));
        Assert.NotNull(await diagnoser.OnUnmatchedAsync(From("81.88.86.42"), CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.NotNull(await diagnoser.OnUnmatchedAsync(From("81.88.86.41"), CancellationToken.None));

        Assert.Equal(3, _alerts.Published.Count);
    }

    [Fact(Timeout = 10_000)]
    public async Task Address_near_a_trunks_known_contact_is_attributed_to_that_trunk()
    {
        var alert = await Diagnoser().OnUnmatchedAsync(From("81.88.87.99"), CancellationToken.None);

        Assert.Equal("mango-trunk", alert?.Details["trunk"]);
        Assert.Equal("In pjsip.conf [mango-trunk-identify] add: match=81.88.87.99", alert?.Details["fix"]);
    }

    [Fact(Timeout = 10_000)]
    public async Task Trunk_without_identify_gets_a_whole_identify_section_to_add()
    {
        var alert = await Diagnoser().OnUnmatchedAsync(From("198.51.100.7"), CancellationToken.None);

        Assert.Equal("Add to pjsip.conf: [other-trunk-identify] type=identify, endpoint=other-trunk, match=198.51.100.7", alert?.Details["fix"]);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("203.0.113.66")]
    [InlineData("127.0.0.1")]
    public async Task Scanner_addresses_far_from_every_trunk_raise_nothing(string address)
    {
        Assert.Null(await Diagnoser().OnUnmatchedAsync(From(address), CancellationToken.None));
        Assert.Empty(_alerts.Published);
    }

    [Fact(Timeout = 10_000)]
    public async Task Rtp_timeout_on_a_trunk_whose_transport_lacks_external_media_address_alerts_no_audio_with_the_fix()
    {
        var diagnoser = Diagnoser(Pjsip.Replace("external_media_address=203.0.113.10\n", "", StringComparison.Ordinal));

        var alert = await diagnoser.OnRtpTimeoutAsync("mango-trunk", CancellationToken.None);

        Assert.Equal(AlertKind.TrunkNoAudio, alert?.Kind);
        Assert.Contains("In pjsip.conf [transport-udp] add: external_media_address=<this host's public IP>", alert!.Details["fix"], StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task Rtp_timeout_with_the_rtp_range_closed_in_ufw_alerts_no_audio_and_is_rechecked_only_after_the_interval()
    {
        var diagnoser = Diagnoser(ufw: "no-ssh-no-tls-partial-rtp");

        var first = await diagnoser.OnRtpTimeoutAsync("mango-trunk", CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(4));
        var second = await diagnoser.OnRtpTimeoutAsync("mango-trunk", CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));
        var third = await diagnoser.OnRtpTimeoutAsync("mango-trunk", CancellationToken.None);

        Assert.Contains("RTP range", first?.Details["cause"] ?? "", StringComparison.Ordinal);
        Assert.Contains("ufw", first!.Details["fix"], StringComparison.Ordinal);
        Assert.Null(second);
        Assert.NotNull(third);
    }

    [Fact(Timeout = 10_000)]
    public async Task Rtp_timeout_with_nat_and_firewall_right_or_on_a_phone_raises_nothing()
    {
        var diagnoser = Diagnoser();

        Assert.Null(await diagnoser.OnRtpTimeoutAsync("mango-trunk", CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(await diagnoser.OnRtpTimeoutAsync("101", CancellationToken.None));
        Assert.Empty(_alerts.Published);
    }

    [Fact(Timeout = 20_000)]
    public async Task Log_service_reads_provider_lines_from_the_messages_log_and_ignores_forgeries()
    {
        var log = Path.Combine(_fixtures.Directory, "messages");
        File.WriteAllText(log, "");
        File.WriteAllText(Path.Combine(_fixtures.Directory, "pjsip.conf"), Pjsip);
        var alerts = new RecordingAlerts();
        var settings = new DiagnosisSettings
        {
            Doctor = new DoctorOptions { ConfigDirectory = _fixtures.Directory },
            Trunks = new TrunkDiagnosisOptions { Providers = [new ProviderRanges("mango-trunk", ["81.88.86.0/24"])] },
        };
        var audit = new DoctorAudit(settings.Doctor, FakeProcessRunner.Printing(DoctorFixtures.Ufw("good")), BehindNat, new FakeLogger<DoctorAudit>());
        var diagnoser = new TrunkDiagnoser(settings, audit, alerts, TimeProvider.System, new FakeLogger<TrunkDiagnoser>());
        using var service = new AsteriskMessagesLog(log, [new TrunkLogObserver(diagnoser)], TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await service.StartAsync(CancellationToken.None);
        // The tailer starts at the end of the file once it has opened it; repeat the lines until it has read them.
        string[] lines =
        [
            "[2026-11-26 08:02:18.361] NOTICE[1] res_pjsip/pjsip_distributor.c: Request 'INVITE' from '<sip:x@y>' failed for '203.0.113.66:5060' (callid: 1) - x' failed for '81.88.86.7:5060' (callid: 2) - No matching endpoint found",
            "[2026-11-26 08:02:18.362] NOTICE[1] res_pjsip/pjsip_distributor.c: Request 'INVITE' from '<sip:+74951234567@81.88.86.41>' failed for '81.88.86.41:5060' (callid: abc@81.88.86.41) - No matching endpoint found",
        ];
        Alert? alert = null;
        while (alert is null)
        {
            File.AppendAllLines(log, lines);
            if (await Task.WhenAny(alerts.First.Task, Task.Delay(200)) == alerts.First.Task)
            {
                alert = await alerts.First.Task;
            }
        }
        await service.StopAsync(CancellationToken.None);

        Assert.Equal("81.88.86.41", alert.Subject);
        Assert.Equal("In pjsip.conf [mango-trunk-identify] add: match=81.88.86.41", alert.Details["fix"]);
        Assert.Single(alerts.Published);
    }
}
