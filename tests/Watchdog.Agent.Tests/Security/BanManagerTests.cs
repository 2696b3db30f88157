using Microsoft.Extensions.Logging.Testing;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prometheus;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Security;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Tests.Security;

public sealed class BanManagerTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "watchdog-bans-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeFirewall _firewall = new();
    private readonly RecordingAlertSink _alerts = new();
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly FakeLogger<BanManager> _logger = new();

    public BanManagerTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private BanOptions Options(int maxRetry = 3, int spike = 1000) => new()
    {
        MaxRetry = maxRetry,
        FindTime = TimeSpan.FromMinutes(10),
        BanTime = TimeSpan.FromHours(1),
        RepeatFactor = 2,
        MaxBanTime = TimeSpan.FromHours(6),
        SpikeFailuresPerMinute = spike,
        StatePath = Path.Combine(_directory, "bans.json"),
    };

    private async Task<BanManager> StartedAsync(BanOptions? options = null, IpWhitelist? whitelist = null)
    {
        options ??= Options();
        var factory = Prometheus.Metrics.WithCustomRegistry(_registry);
        var manager = new BanManager(
            options,
            whitelist ?? IpWhitelist.Create(new WhitelistOptions { IncludeHostAddresses = false }),
            _firewall,
            new BanStateStore(options.StatePath, NullLogger<BanStateStore>.Instance),
            _alerts,
            new SecurityMetrics(factory),
            new RemediationMetrics(factory),
            _time,
            _logger);
        await manager.StartAsync(CancellationToken.None);
        return manager;
    }

    private ValueTask Fail(BanManager manager, string ip, AttackSource source = AttackSource.Ssh) =>
        manager.RecordFailureAsync(new AuthFailure(source, IPAddress.Parse(ip), _time.GetUtcNow(), "test"), CancellationToken.None);

    private async Task<string> ScrapeAsync()
    {
        using var stream = new MemoryStream();
        await _registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact(Timeout = 5_000)]
    public async Task Max_retry_failures_within_find_time_ban_the_address()
    {
        var manager = await StartedAsync();
        await Fail(manager, "203.0.113.5");
        await Fail(manager, "203.0.113.5");
        Assert.Empty(_firewall.Calls);

        await Fail(manager, "203.0.113.5");

        Assert.Equal(["block 203.0.113.5"], _firewall.Calls);
        var ban = Assert.Single(await manager.ListBansAsync(CancellationToken.None));
        Assert.Equal(_time.GetUtcNow().AddHours(1), ban.Until);
        Assert.Equal(AttackAlertKind.Banned, Assert.Single(_alerts.Alerts).Kind);
    }

    [Fact(Timeout = 5_000)]
    public async Task Failures_spread_wider_than_find_time_do_not_ban()
    {
        var manager = await StartedAsync();
        await Fail(manager, "203.0.113.5");
        _time.Advance(TimeSpan.FromMinutes(6));
        await Fail(manager, "203.0.113.5");
        _time.Advance(TimeSpan.FromMinutes(6));
        await Fail(manager, "203.0.113.5");

        Assert.Empty(_firewall.Calls);
    }

    [Fact(Timeout = 5_000)]
    public async Task Ban_expires_after_ban_time_and_is_lifted()
    {
        var manager = await StartedAsync(Options(maxRetry: 1));
        await Fail(manager, "203.0.113.5");

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(0, await manager.LiftExpiredAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await manager.LiftExpiredAsync(CancellationToken.None));

        Assert.Equal(["block 203.0.113.5", "unblock 203.0.113.5"], _firewall.Calls);
        Assert.Empty(await manager.ListBansAsync(CancellationToken.None));
        Assert.Equal(AttackAlertKind.Unbanned, _alerts.Alerts[^1].Kind);
    }

    [Fact(Timeout = 5_000)]
    public async Task Repeat_offenders_get_doubling_ban_times_up_to_the_cap()
    {
        var manager = await StartedAsync(Options(maxRetry: 1));
        var lengths = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            await Fail(manager, "203.0.113.5");
            var ban = Assert.Single(await manager.ListBansAsync(CancellationToken.None));
            lengths.Add(ban.Until - ban.BannedAt);
            _time.Advance(ban.Until - _time.GetUtcNow());
            await manager.LiftExpiredAsync(CancellationToken.None);
        }

        Assert.Equal([TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4), TimeSpan.FromHours(6), TimeSpan.FromHours(6)], lengths);
    }

    [Theory(Timeout = 5_000)]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("81.88.86.17")]
    [InlineData("81.88.88.250")]
    [InlineData("::ffff:81.88.86.17")]
    [InlineData("192.0.2.10")]
    public async Task Whitelisted_addresses_are_never_banned(string ip)
    {
        var whitelist = IpWhitelist.Create(new WhitelistOptions(), hostAddresses: [IPAddress.Parse("192.0.2.10")]);
        var manager = await StartedAsync(Options(maxRetry: 1), whitelist);

        await Fail(manager, ip);
        Assert.Equal(BanResult.Whitelisted, await manager.BanAsync(IPAddress.Parse(ip), null, CancellationToken.None));

        Assert.Empty(_firewall.Calls);
    }

    [Fact(Timeout = 5_000)]
    public async Task Neighbouring_provider_addresses_are_not_whitelisted()
    {
        var manager = await StartedAsync(Options(maxRetry: 1), IpWhitelist.Create(new WhitelistOptions(), hostAddresses: []));
        await Fail(manager, "81.88.87.1");
        Assert.Equal(["block 81.88.87.1"], _firewall.Calls);
    }

    [Fact(Timeout = 5_000)]
    public async Task Ipv4_mapped_failures_count_with_plain_ipv4_ones()
    {
        var manager = await StartedAsync(Options(maxRetry: 2));
        await Fail(manager, "::ffff:203.0.113.5");
        await Fail(manager, "203.0.113.5");
        Assert.Equal(["block 203.0.113.5"], _firewall.Calls);
    }

    [Fact(Timeout = 5_000)]
    public async Task Bans_survive_a_restart_and_expired_ones_are_lifted_at_start()
    {
        var first = await StartedAsync(Options(maxRetry: 1));
        await Fail(first, "203.0.113.5");
        _time.Advance(TimeSpan.FromMinutes(30));
        await first.BanAsync(IPAddress.Parse("198.51.100.7"), TimeSpan.FromDays(1), CancellationToken.None);
        _firewall.Calls.Clear();

        // The agent is down for an hour: the first ban expired meanwhile, the manual one is still live.
        _time.Advance(TimeSpan.FromHours(1));
        var second = await StartedAsync(Options(maxRetry: 1));

        Assert.Contains("unblock 203.0.113.5", _firewall.Calls);
        Assert.Contains("block 198.51.100.7", _firewall.Calls);
        var ban = Assert.Single(await second.ListBansAsync(CancellationToken.None));
        Assert.Equal("198.51.100.7", ban.Address);
        Assert.Equal(AttackSource.Manual, ban.Source);
    }

    [Fact(Timeout = 5_000)]
    public async Task Offence_history_survives_a_restart()
    {
        var first = await StartedAsync(Options(maxRetry: 1));
        await Fail(first, "203.0.113.5");
        _time.Advance(TimeSpan.FromHours(1));
        await first.LiftExpiredAsync(CancellationToken.None);

        var second = await StartedAsync(Options(maxRetry: 1));
        await Fail(second, "203.0.113.5");

        var ban = Assert.Single(await second.ListBansAsync(CancellationToken.None));
        Assert.Equal(2, ban.Offence);
        Assert.Equal(TimeSpan.FromHours(2), ban.Until - ban.BannedAt);
    }

    [Fact(Timeout = 5_000)]
    public async Task State_file_is_written_atomically_and_leaves_no_temp_files()
    {
        var manager = await StartedAsync(Options(maxRetry: 1));
        await Fail(manager, "2001:db8::5");

        var files = Directory.GetFiles(_directory);
        Assert.Equal([Path.Combine(_directory, "bans.json")], files);
        var json = await File.ReadAllTextAsync(files[0]);
        Assert.Contains("\"address\": \"2001:db8::5\"", json);
        Assert.Contains("\"source\": \"Ssh\"", json);
    }

    [Fact(Timeout = 5_000)]
    public async Task A_corrupt_state_file_is_set_aside_and_the_agent_starts_empty()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "bans.json"), "{ not json");
        var manager = await StartedAsync();

        Assert.Empty(await manager.ListBansAsync(CancellationToken.None));
        Assert.Single(Directory.GetFiles(_directory, "bans.json.corrupt-*"));
    }

    [Fact(Timeout = 5_000)]
    public async Task Manual_ban_and_unban()
    {
        var manager = await StartedAsync();
        var ip = IPAddress.Parse("198.51.100.7");

        Assert.Equal(BanResult.Banned, await manager.BanAsync(ip, TimeSpan.FromMinutes(5), CancellationToken.None));
        Assert.Equal(BanResult.AlreadyBanned, await manager.BanAsync(ip, null, CancellationToken.None));
        Assert.True(await manager.UnbanAsync(ip, CancellationToken.None));
        Assert.False(await manager.UnbanAsync(ip, CancellationToken.None));

        Assert.Equal(["block 198.51.100.7", "unblock 198.51.100.7"], _firewall.Calls);
    }

    [Fact(Timeout = 5_000)]
    public async Task A_failed_firewall_command_records_no_ban_and_is_retried_on_the_next_failure()
    {
        var manager = await StartedAsync(Options(maxRetry: 1));
        _firewall.Outcome = FirewallOutcome.Failed;
        await Fail(manager, "203.0.113.5");
        Assert.Empty(await manager.ListBansAsync(CancellationToken.None));

        _firewall.Outcome = FirewallOutcome.Success;
        await Fail(manager, "203.0.113.5");
        Assert.Single(await manager.ListBansAsync(CancellationToken.None));
        Assert.Contains("watchdog_remediations_total{action=\"ban\",reason=\"ssh_bruteforce\",outcome=\"failed\"} 1", await ScrapeAsync());
    }

    [Fact(Timeout = 5_000)]
    public async Task Every_ban_is_an_audit_event_with_stable_properties()
    {
        var manager = await StartedAsync(Options(maxRetry: 1));
        await Fail(manager, "203.0.113.5", AttackSource.Sip);

        var audit = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 5001);
        Assert.Equal("ban", audit.GetStructuredStateValue("Action"));
        Assert.Equal("203.0.113.5", audit.GetStructuredStateValue("Ip"));
        Assert.Equal("sip", audit.GetStructuredStateValue("Source"));
        Assert.Equal("sip_bruteforce", audit.GetStructuredStateValue("Reason"));
        Assert.Equal("success", audit.GetStructuredStateValue("Outcome"));
        Assert.Equal(_time.GetUtcNow().AddHours(1), DateTimeOffset.Parse(audit.GetStructuredStateValue("Until")!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact(Timeout = 5_000)]
    public async Task Metrics_count_failures_bans_and_remediations_by_label()
    {
        var manager = await StartedAsync(Options(maxRetry: 2));
        await Fail(manager, "203.0.113.5", AttackSource.Ami);
        await Fail(manager, "203.0.113.5", AttackSource.Ami);
        await Fail(manager, "198.51.100.1", AttackSource.Ssh);

        var text = await ScrapeAsync();
        Assert.Contains("watchdog_auth_failures_total{source=\"ami\"} 2", text);
        Assert.Contains("watchdog_auth_failures_total{source=\"ssh\"} 1", text);
        Assert.Contains("watchdog_bans_total{source=\"ami\"} 1", text);
        Assert.Contains("watchdog_bans_active 1", text);
        Assert.Contains("watchdog_remediations_total{action=\"ban\",reason=\"ami_bruteforce\",outcome=\"success\"} 1", text);
    }

    [Fact(Timeout = 5_000)]
    public async Task Dry_run_outcome_is_counted_and_audited_as_dry_run()
    {
        _firewall.Outcome = FirewallOutcome.DryRun;
        var manager = await StartedAsync(Options(maxRetry: 1));
        await Fail(manager, "203.0.113.5");

        Assert.Contains("outcome=\"dry_run\"} 1", await ScrapeAsync());
        Assert.Equal("dry_run", Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 5001).GetStructuredStateValue("Outcome"));
    }

    [Fact(Timeout = 5_000)]
    public async Task A_global_spike_raises_one_alert_per_cooldown()
    {
        var manager = await StartedAsync(Options(maxRetry: 1000, spike: 10));
        for (var i = 0; i < 30; i++)
        {
            await Fail(manager, $"203.0.113.{i}");
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var spike = Assert.Single(_alerts.Alerts, a => a.Kind == AttackAlertKind.FailureSpike);
        Assert.Equal(11, spike.FailuresPerMinute);
    }

    [Fact(Timeout = 5_000)]
    public async Task Failures_slower_than_the_spike_threshold_raise_no_alert()
    {
        var manager = await StartedAsync(Options(maxRetry: 1000, spike: 10));
        for (var i = 0; i < 30; i++)
        {
            await Fail(manager, "203.0.113.1");
            _time.Advance(TimeSpan.FromSeconds(7));
        }

        Assert.DoesNotContain(_alerts.Alerts, a => a.Kind == AttackAlertKind.FailureSpike);
    }

    [Fact(Timeout = 5_000)]
    public async Task Expiry_loop_lifts_bans_as_time_passes()
    {
        var manager = await StartedAsync(Options(maxRetry: 1) with { ExpiryCheckInterval = TimeSpan.FromSeconds(30) });
        await Fail(manager, "203.0.113.5");
        using var cts = new CancellationTokenSource();
        var loop = manager.RunExpiryLoopAsync(cts.Token);

        while (_firewall.Calls.Count < 2)
        {
            _time.Advance(TimeSpan.FromMinutes(5));
            await Task.WhenAny(loop, Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System));
        }

        Assert.Equal("unblock 203.0.113.5", _firewall.Calls[1]);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
    }

    [Fact]
    public void Options_validation_reports_every_problem()
    {
        var problems = new BanOptions
        {
            MaxRetry = 0, FindTime = TimeSpan.Zero, BanTime = TimeSpan.Zero, MaxBanTime = TimeSpan.FromSeconds(-1),
            RepeatFactor = 0.5, SpikeFailuresPerMinute = 0, StatePath = "bans.json", MaxTrackedAddresses = 1,
            ExpiryCheckInterval = TimeSpan.Zero,
        }.Validate();
        Assert.Equal(9, problems.Count);
        Assert.Single(new WhitelistOptions { Networks = ["81.88.86.0/24", "not-a-network"] }.Validate());
    }
}
