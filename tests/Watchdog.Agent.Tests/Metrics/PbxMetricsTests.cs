using System.Text;
using Microsoft.Extensions.Time.Testing;
using Prometheus;
using Watchdog.Agent.Metrics;
using Watchdog.Agent.State;
using Watchdog.Agent.Tests.Dashboards;

namespace Watchdog.Agent.Tests.Metrics;

public class PbxMetricsTests
{
    private const string Client = "sip:mango-user@127.0.0.1:5070";
    private const string Server = "sip:127.0.0.1:5070";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly PbxStateStore _store;

    public PbxMetricsTests()
    {
        _store = new PbxStateStore(_time);
        _ = new PbxMetrics(_store, _registry);
    }

    private static PbxResyncData Setup(params ResyncEndpoint[] extra) => new(
        [new ResyncRegistration("mango-registration", Client, Server, "mango-trunk", "Registered")],
        [new ResyncEndpoint("mango-trunk", "Not in use", [new ContactState("mango-trunk-aor", "sip:127.0.0.1:5070", "Reachable", 1840)]), .. extra],
        [], "22.10.1", null);

    private void Sync(PbxResyncData data) => Assert.True(_store.CompleteResync(_store.BeginResync(), data));

    private async Task<string> ScrapeAsync()
    {
        using var stream = new MemoryStream();
        await _registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static IEnumerable<string> SeriesNames(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).Select(l => l.Split('{', ' ')[0]).Distinct();

    [Fact(Timeout = 10_000)]
    public async Task Every_exported_name_is_in_the_metric_contract()
    {
        _store.SetAmiConnected(true);
        Sync(Setup());
        _store.Events.Record("Newchannel", _time.GetUtcNow());
        _store.Apply(new ChannelCreated("1.1", "PJSIP/mango-trunk-00000001", "Up"));
        _store.Apply(new ChannelHungUp("1.1", "PJSIP/mango-trunk-00000001", 16));
        _store.Apply(new RegistrationStatusChanged(Client, Server, "Rejected"));

        var names = SeriesNames(await ScrapeAsync()).ToList();

        Assert.All(names, n => Assert.True(MetricContract.Allows(n), $"{n} is not in the contract"));
        Assert.Contains("asterisk_call_duration_seconds_bucket", names);
        Assert.Contains("watchdog_ami_last_event_age_seconds", names);
    }

    [Fact(Timeout = 10_000)]
    public async Task Pbx_gauges_are_withdrawn_while_ami_is_down_and_counters_stay()
    {
        _store.SetAmiConnected(true);
        Sync(Setup());
        _store.Apply(new ChannelCreated("1.1", "PJSIP/mango-trunk-00000001", "Up"));
        Assert.Contains("asterisk_registration_registered{registration=\"mango-registration\"} 1", await ScrapeAsync());

        _store.SetAmiConnected(false, "RemoteClosed");
        var text = await ScrapeAsync();

        Assert.Contains("watchdog_ami_connected 0", text);
        Assert.DoesNotContain("asterisk_registration_registered{", text);
        Assert.DoesNotContain("asterisk_endpoint_reachable{", text);
        Assert.DoesNotContain("asterisk_contact_roundtrip_seconds{", text);
        Assert.DoesNotContain("asterisk_channels_active{", text);
        Assert.Contains("asterisk_calls_total{endpoint=\"mango-trunk\"} 1", text);
    }

    [Fact(Timeout = 10_000)]
    public async Task Endpoint_gone_after_resync_loses_its_series()
    {
        _store.SetAmiConnected(true);
        Sync(Setup(new ResyncEndpoint("old-trunk", "Not in use", [new ContactState("old-aor", "sip:192.0.2.7:5060", "Reachable", 500)])));
        Assert.Contains("asterisk_endpoint_reachable{endpoint=\"old-trunk\"} 1", await ScrapeAsync());

        Sync(Setup());
        var text = await ScrapeAsync();

        // Gauges go with the endpoint; counters (calls, hangups, durations) keep their series, as counters must.
        Assert.DoesNotContain("asterisk_endpoint_reachable{endpoint=\"old-trunk\"", text);
        Assert.DoesNotContain("asterisk_channels_active{endpoint=\"old-trunk\"", text);
        Assert.DoesNotContain("asterisk_contact_roundtrip_seconds{endpoint=\"old-trunk\"", text);
        Assert.Contains("asterisk_endpoint_reachable{endpoint=\"mango-trunk\"} 1", text);
    }

    [Fact(Timeout = 10_000)]
    public async Task Counters_of_known_endpoints_and_registrations_exist_at_zero_so_the_first_event_is_an_increase()
    {
        _store.SetAmiConnected(true);
        Sync(Setup());

        var text = await ScrapeAsync();

        Assert.Contains("asterisk_calls_total{endpoint=\"mango-trunk\"} 0", text);
        Assert.Contains("asterisk_hangups_total{endpoint=\"mango-trunk\",cause=\"44\"} 0", text);
        Assert.Contains("asterisk_registration_transitions_total{registration=\"mango-registration\",status=\"Rejected\"} 0", text);
    }

    [Fact(Timeout = 10_000)]
    public async Task Contact_label_is_the_aor_numbered_when_shared_and_never_an_address()
    {
        _store.SetAmiConnected(true);
        Sync(Setup(new ResyncEndpoint("6001", "Not in use",
        [
            new ContactState("6001", "sip:6001@192.0.2.20:5060", "Reachable", 2000),
            new ContactState("6001", "sip:6001@192.0.2.10:5060", "Reachable", 1000),
        ])));

        var text = await ScrapeAsync();

        Assert.Contains("asterisk_contact_roundtrip_seconds{endpoint=\"6001\",contact=\"6001/1\"} 0.001", text);
        Assert.Contains("asterisk_contact_roundtrip_seconds{endpoint=\"6001\",contact=\"6001/2\"} 0.002", text);
        Assert.Contains("asterisk_contact_roundtrip_seconds{endpoint=\"mango-trunk\",contact=\"mango-trunk-aor\"} 0.00184", text);
        Assert.DoesNotContain("192.0.2.", text);
        Assert.DoesNotContain("127.0.0.1", text);
    }

    [Fact(Timeout = 10_000)]
    public async Task Non_pjsip_channels_count_under_other()
    {
        _store.SetAmiConnected(true);
        Sync(Setup());

        _store.Apply(new ChannelCreated("1.1", "Local/100@from-internal-00000001;1", "Up"));
        var text = await ScrapeAsync();

        Assert.Contains("asterisk_channels_active{endpoint=\"other\"} 1", text);
        Assert.Contains("asterisk_calls_total{endpoint=\"other\"} 1", text);
        Assert.DoesNotContain("100@", text);
    }

    [Fact(Timeout = 10_000)]
    public async Task Last_event_age_follows_the_clock()
    {
        _store.Events.Record("Newstate", _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(12));

        Assert.Contains("watchdog_ami_last_event_age_seconds 12", await ScrapeAsync());
    }
}
