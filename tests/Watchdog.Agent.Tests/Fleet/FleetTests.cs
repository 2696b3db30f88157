using Watchdog.Agent.Detection;
using System.Net;
using StackExchange.Redis;
using Watchdog.Agent.Fleet;
using Watchdog.Agent.Security;

namespace Watchdog.Agent.Tests.Fleet;

/// <summary>Agents sharing bans through a real redis-server started by the test (ACL user, loopback, dynamic port).</summary>
public sealed class FleetTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("watchdog-fleet-test-");
    private readonly List<FleetNode> _nodes = [];
    private RealRedis? _redis;
    private string _key = "";

    public async Task InitializeAsync()
    {
        _key = FleetNode.WriteKey(_dir.FullName);
        if (RealRedis.FindBinary() is { } binary)
        {
            _redis = await RealRedis.StartAsync(binary);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        _dir.Delete(recursive: true);
    }

    /// <summary>False (and a note) when redis-server is absent locally; fails under CI=true.</summary>
    internal static bool RedisAvailable(RealRedis? redis)
    {
        if (redis is not null)
        {
            return true;
        }

        const string message = "The 'redis-server' binary is not installed (Debian package 'redis-server').";
        Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), message);
        Console.WriteLine("SKIPPED locally: " + message);
        return false;
    }

    private readonly CapturingLoggerProvider _logs = new();

    private string Logs => string.Join("\n", _logs.Entries.Select(e => e.Everything));

    private async Task<FleetNode> Node(string name, Func<FleetOptions, FleetOptions>? configure = null, IEnumerable<string>? whitelist = null)
    {
        var node = await FleetNode.StartAsync(name, _redis!.Url, _redis.Password, _key, configure, whitelist,
            new Microsoft.Extensions.Logging.LoggerFactory([_logs]));
        _nodes.Add(node);
        Assert.True(await FleetNode.WaitAsync(() => node.Receiver.Connected, Wait), $"{name} did not connect:\n{_redis.Log}\n{Logs}");
        return node;
    }

    private static async Task<bool> Received(FleetNode node, string outcome, double count = 1) =>
        await FleetNode.WaitAsync(() => node.Metrics.Count("received", outcome) >= count, Wait);

    private static async Task<BanEntry?> Ban(FleetNode node, string ip) =>
        (await node.Bans.ListBansAsync(CancellationToken.None)).SingleOrDefault(b => b.Address == ip);

    [Fact(Timeout = 60_000)]
    public async Task A_ban_decided_on_one_agent_is_applied_by_the_others_with_its_origin_and_lifted_with_it()
    {
        if (!RedisAvailable(_redis)) return;
        var a = await Node("pbx-a");
        var b = await Node("pbx-b");
        var c = await Node("pbx-c");

        Assert.Equal(BanResult.Banned, await a.Bans.BanAsync(IPAddress.Parse("203.0.113.7"), TimeSpan.FromHours(1), fleet: true, CancellationToken.None));
        foreach (var other in new[] { b, c })
        {
            await other.Firewall.Blocked("203.0.113.7").Task.WaitAsync(Wait);
            var entry = await Ban(other, "203.0.113.7");
            Assert.NotNull(entry);
            Assert.Equal("pbx-a", entry.Origin);
            Assert.True(entry.Fleet);
        }

        Assert.Equal("local", (await Ban(a, "203.0.113.7"))!.Origin);
        Assert.Equal(1, a.Firewall.Count("block 203.0.113.7"));

        Assert.True(await a.Bans.UnbanAsync(IPAddress.Parse("203.0.113.7"), CancellationToken.None));
        Assert.True(await Received(b, "unbanned") && await Received(c, "unbanned"));
        Assert.Null(await Ban(b, "203.0.113.7"));
        Assert.Equal(1, c.Firewall.Count("unblock 203.0.113.7"));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_manual_ban_without_the_fleet_flag_stays_local()
    {
        if (!RedisAvailable(_redis)) return;
        var a = await Node("pbx-a");
        var b = await Node("pbx-b");
        await a.Bans.BanAsync(IPAddress.Parse("203.0.113.8"), TimeSpan.FromHours(1), CancellationToken.None);
        await a.Bans.BanAsync(IPAddress.Parse("203.0.113.9"), TimeSpan.FromHours(1), fleet: true, CancellationToken.None);
        await b.Firewall.Blocked("203.0.113.9").Task.WaitAsync(Wait);
        Assert.Equal(0, b.Firewall.Count("block 203.0.113.8"));
        Assert.Equal(1, a.Metrics.Count("published", "sent"));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_remote_ban_of_an_address_in_the_local_whitelist_is_vetoed()
    {
        if (!RedisAvailable(_redis)) return;
        var poisoned = await Node("pbx-a");
        var b = await Node("pbx-b", whitelist: ["81.88.86.0/24"]);

        // The provider's range is not in pbx-a's whitelist (a mistaken agent); pbx-b keeps its trunk.
        await poisoned.Bans.BanAsync(IPAddress.Parse("81.88.86.10"), TimeSpan.FromHours(1), fleet: true, CancellationToken.None);
        Assert.True(await Received(b, "whitelisted"));
        Assert.Empty(b.Firewall.Calls);
        Assert.Null(await Ban(b, "81.88.86.10"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Unsigned_forged_and_replayed_decisions_are_dropped_and_counted()
    {
        if (!RedisAvailable(_redis)) return;
        var a = await Node("pbx-a");
        var b = await Node("pbx-b");
        await a.Bans.BanAsync(IPAddress.Parse("203.0.113.20"), TimeSpan.FromHours(1), fleet: true, CancellationToken.None);
        await b.Firewall.Blocked("203.0.113.20").Task.WaitAsync(Wait);
        await a.Bans.UnbanAsync(IPAddress.Parse("203.0.113.20"), CancellationToken.None);
        Assert.True(await Received(b, "unbanned"));

        // Someone with broker access but without the fleet key.
        await using var attacker = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", _redis!.Port } }, User = RealRedis.User, Password = _redis.Password, ConfigurationChannel = "", TieBreaker = "",
        });
        var db = attacker.GetDatabase();
        var log = await db.StreamRangeAsync("watchdog:fleet:log");
        var original = log.First(e => e["action"] == "ban").Values;
        var now = DateTimeOffset.UtcNow;
        var forged = FleetDecision.Create(FleetDecision.Ban, new BanEntry("203.0.113.21", AttackSource.Ssh, "ssh_bruteforce", now, now.AddHours(1), 1),
            "ssh_bruteforce", "pbx-a", now);
        var wrongKey = new FleetSigner(new byte[32]);
        await db.StreamAddAsync("watchdog:fleet:log", [.. forged.ToFields("").Where(f => f.Key != "sig").Select(f => new NameValueEntry(f.Key, f.Value))]);
        await db.StreamAddAsync("watchdog:fleet:log", [.. forged.ToFields(wrongKey.Sign(forged)).Select(f => new NameValueEntry(f.Key, f.Value))]);
        await db.StreamAddAsync("watchdog:fleet:log", [.. forged.ToFields(new FleetSigner(new byte[32]).Sign(forged with { Address = "203.0.113.99" }))
            .Select(f => new NameValueEntry(f.Key, f.Value))]);
        await db.StreamAddAsync("watchdog:fleet:log", original);
        await db.PublishAsync(RedisChannel.Literal("watchdog:fleet:wake"), "1");

        Assert.True(await Received(b, "unsigned"), "unsigned");
        Assert.True(await Received(b, "bad_signature", 2), "bad signature");
        Assert.True(await Received(b, "replayed"), "replayed");
        Assert.Equal(1, b.Firewall.Count("block 203.0.113.20"));
        Assert.Equal(0, b.Firewall.Count("block 203.0.113.21"));
        Assert.Null(await Ban(b, "203.0.113.20"));
    }

    [Fact(Timeout = 90_000)]
    public async Task A_broker_restart_loses_no_decision_and_an_agent_that_was_offline_catches_up()
    {
        if (!RedisAvailable(_redis)) return;
        var a = await Node("pbx-a");
        var b = await Node("pbx-b");
        await a.Bans.BanAsync(IPAddress.Parse("203.0.113.30"), TimeSpan.FromHours(1), fleet: true, CancellationToken.None);
        await b.Firewall.Blocked("203.0.113.30").Task.WaitAsync(Wait);

        await _redis!.StopAsync();
        Assert.True(await FleetNode.WaitAsync(() => !b.Receiver.Connected && !a.Receiver.Connected, Wait), "outage not noticed");
        // Local bans go on while the broker is down, and wait to be published.
        Assert.Equal(BanResult.Banned, await a.Bans.BanAsync(IPAddress.Parse("203.0.113.31"), TimeSpan.FromHours(1), fleet: true, CancellationToken.None));
        await _redis.RestartAsync();

        await b.Firewall.Blocked("203.0.113.31").Task.WaitAsync(Wait);
        Assert.True(await FleetNode.WaitAsync(() => b.Receiver.Connected, Wait));
        Assert.Equal(1, b.Firewall.Count("block 203.0.113.30"));

        // pbx-c was not running when both bans were decided: it finds them at its first connect.
        var c = await Node("pbx-c");
        Assert.True(await FleetNode.WaitAsync(() => c.Firewall.Blocked("203.0.113.30").Task.IsCompleted, Wait), _redis.Log);
        await c.Firewall.Blocked("203.0.113.31").Task.WaitAsync(Wait);
        Assert.Equal("pbx-a", (await Ban(c, "203.0.113.31"))!.Origin);
    }

    [Fact(Timeout = 60_000)]
    public async Task Two_agents_banning_the_same_address_at_once_keep_one_rule_each_without_flapping()
    {
        if (!RedisAvailable(_redis)) return;
        var a = await Node("pbx-a");
        var b = await Node("pbx-b");
        var ip = IPAddress.Parse("203.0.113.40");
        // Both decide while the broker is away, so neither can have heard of the other's ban first.
        await _redis!.StopAsync();
        Assert.True(await FleetNode.WaitAsync(() => !b.Receiver.Connected && !a.Receiver.Connected, Wait), "outage not noticed");
        var both = await Task.WhenAll(
            a.Bans.BanAsync(ip, TimeSpan.FromSeconds(6), fleet: true, CancellationToken.None),
            b.Bans.BanAsync(ip, TimeSpan.FromSeconds(6), fleet: true, CancellationToken.None));
        Assert.All(both, r => Assert.Equal(BanResult.Banned, r));
        await _redis.RestartAsync();
        Assert.True(await Received(a, "already_banned") && await Received(b, "already_banned"));

        // Each expires its own ban; the other's unban never lifts a ban decided locally, and nothing re-bans.
        Assert.True(await FleetNode.WaitAsync(() => a.Firewall.Count("unblock 203.0.113.40") == 1 && b.Firewall.Count("unblock 203.0.113.40") == 1, Wait));
        Assert.True(await Received(a, "ignored") && await Received(b, "ignored"));
        foreach (var node in new[] { a, b })
        {
            Assert.Equal(["block 203.0.113.40", "unblock 203.0.113.40"], node.Firewall.Calls.ToArray());
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Remote_bans_beyond_the_cap_per_minute_are_dropped_and_counted()
    {
        if (!RedisAvailable(_redis)) return;
        var a = await Node("pbx-a");
        var b = await Node("pbx-b", o => { o.MaxRemoteBansPerMinute = 2; return o; });
        for (var i = 1; i <= 3; i++)
        {
            await a.Bans.BanAsync(IPAddress.Parse($"203.0.113.{50 + i}"), TimeSpan.FromHours(1), fleet: true, CancellationToken.None);
        }

        Assert.True(await Received(b, "applied", 2) && await Received(b, "capped"));
        Assert.Equal(2, (await b.Bans.ListBansAsync(CancellationToken.None)).Count);
    }
}
