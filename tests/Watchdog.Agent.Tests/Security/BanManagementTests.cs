using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Security;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Tests.Security;

/// <summary>What an operator manages through the API: capped and updated manual bans, who is close to a ban, the whitelist.</summary>
public sealed class BanManagementTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("watchdog-banmgmt-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeFirewall _firewall = new();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private BanOptions Options => new()
    {
        MaxRetry = 3,
        FindTime = TimeSpan.FromMinutes(10),
        BanTime = TimeSpan.FromHours(1),
        MaxBanTime = TimeSpan.FromHours(6),
        StatePath = Path.Combine(_directory, "bans.json"),
    };

    private async Task<BanManager> StartedAsync(IpWhitelist? whitelist = null)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry());
        var options = Options;
        var manager = new BanManager(options, whitelist ?? IpWhitelist.Create(new WhitelistOptions { Networks = [], IncludeHostAddresses = false }), _firewall,
            new BanStateStore(options.StatePath, NullLogger<BanStateStore>.Instance), new RecordingAlertSink(), new SecurityMetrics(factory),
            new RemediationMetrics(factory), _time, NullLogger<BanManager>.Instance);
        await manager.StartAsync(CancellationToken.None);
        return manager;
    }

    private ValueTask Fail(BanManager manager, string ip, AttackSource source = AttackSource.Ssh) =>
        manager.RecordFailureAsync(new AuthFailure(source, IPAddress.Parse(ip), _time.GetUtcNow(), "test"), CancellationToken.None);

    [Fact(Timeout = 5_000)]
    public async Task A_manual_ban_longer_than_max_ban_time_is_capped()
    {
        var manager = await StartedAsync();

        Assert.Equal(BanResult.Banned, await manager.BanAsync(IPAddress.Parse("203.0.113.9"), TimeSpan.FromDays(365), CancellationToken.None));

        var ban = Assert.Single(await manager.ListBansAsync(CancellationToken.None));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromHours(6), ban.Until);
    }

    [Fact(Timeout = 5_000)]
    public async Task Banning_a_banned_address_with_a_duration_updates_its_expiry_without_a_second_rule()
    {
        var manager = await StartedAsync();
        await manager.BanAsync(IPAddress.Parse("203.0.113.9"), TimeSpan.FromHours(1), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(30));

        Assert.Equal(BanResult.Updated, await manager.BanAsync(IPAddress.Parse("203.0.113.9"), TimeSpan.FromHours(3), CancellationToken.None));
        Assert.Equal(BanResult.AlreadyBanned, await manager.BanAsync(IPAddress.Parse("203.0.113.9"), null, CancellationToken.None));

        var ban = Assert.Single(await manager.ListBansAsync(CancellationToken.None));
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromHours(3), ban.Until);
        Assert.Equal(["block 203.0.113.9"], _firewall.Calls);

        // The new expiry is what is persisted and what the expiry loop honours.
        _time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await manager.LiftExpiredAsync(CancellationToken.None));
        var restarted = await StartedAsync();
        Assert.Equal(ban.Until, Assert.Single(await restarted.ListBansAsync(CancellationToken.None)).Until);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await restarted.LiftExpiredAsync(CancellationToken.None));
    }

    [Fact(Timeout = 5_000)]
    public async Task Failures_list_shows_who_is_close_to_a_ban_most_failures_first_and_forgets_banned_and_expired()
    {
        var manager = await StartedAsync();
        await Fail(manager, "198.51.100.1");
        _time.Advance(TimeSpan.FromMinutes(1));
        await Fail(manager, "203.0.113.5", AttackSource.Ssh);
        await Fail(manager, "203.0.113.5", AttackSource.Sip);
        await Fail(manager, "192.0.2.7");
        await Fail(manager, "192.0.2.7");
        await Fail(manager, "192.0.2.7"); // banned: no longer "close to a ban"

        var failures = await manager.ListFailuresAsync(CancellationToken.None);

        Assert.Equal(
            [new PendingFailures("203.0.113.5", AttackSource.Sip, 2, _time.GetUtcNow()),
             new PendingFailures("198.51.100.1", AttackSource.Ssh, 1, _time.GetUtcNow() - TimeSpan.FromMinutes(1))],
            failures);

        _time.Advance(TimeSpan.FromMinutes(9.5));
        Assert.Equal(["203.0.113.5"], (await manager.ListFailuresAsync(CancellationToken.None)).Select(f => f.Address));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(await manager.ListFailuresAsync(CancellationToken.None));
    }

    [Fact(Timeout = 5_000)]
    public async Task Whitelist_includes_loopback_configured_networks_provider_ranges_and_host_addresses()
    {
        var whitelist = IpWhitelist.Create(new WhitelistOptions { Networks = ["192.0.2.0/28"] }, hostAddresses: [IPAddress.Parse("198.51.100.20")],
            providerRanges: ["81.88.86.0/24", "2001:db8:5::/48"]);
        var manager = await StartedAsync(whitelist);

        Assert.Equal(["127.0.0.0/8", "::1/128", "192.0.2.0/28", "81.88.86.0/24", "2001:db8:5::/48"], manager.Whitelist.Networks.Select(n => n.ToString()));
        Assert.True(manager.Whitelist.IncludesHostAddresses);
        Assert.Equal([IPAddress.Parse("198.51.100.20")], manager.Whitelist.Addresses);
        Assert.Equal(BanResult.Whitelisted, await manager.BanAsync(IPAddress.Parse("2001:db8:5::9"), null, CancellationToken.None));
        Assert.Empty(_firewall.Calls);
    }

    [Theory]
    [InlineData(1, FailureVerdict.Counted)]
    [InlineData(3, FailureVerdict.Ban)]
    public void Policy_bans_at_max_retry_within_find_time(int failures, FailureVerdict expected)
    {
        var policy = new BanPolicy(Options, IpWhitelist.Create(new WhitelistOptions(), hostAddresses: []));
        var verdict = FailureVerdict.Counted;
        for (var i = 0; i < failures; i++)
        {
            verdict = policy.OnFailure(IPAddress.Parse("203.0.113.5"), AttackSource.Ssh, _time.GetUtcNow(), banned: false);
        }

        Assert.Equal(expected, verdict);
        Assert.Equal(FailureVerdict.Whitelisted, policy.OnFailure(IPAddress.Parse("81.88.86.1"), AttackSource.Sip, _time.GetUtcNow(), banned: false));
        Assert.Equal(FailureVerdict.AlreadyBanned, policy.OnFailure(IPAddress.Parse("203.0.113.6"), AttackSource.Ssh, _time.GetUtcNow(), banned: true));
    }
}
