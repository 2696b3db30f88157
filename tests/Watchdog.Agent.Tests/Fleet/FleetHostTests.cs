using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Watchdog.Agent.Fleet;
using Watchdog.Agent.Tests.Hosting;

namespace Watchdog.Agent.Tests.Fleet;

/// <summary>The whole agent host with <c>Fleet</c> enabled, next to an in-process agent, on a real redis-server.</summary>
public sealed class FleetHostTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("watchdog-fleet-host-");
    private RealRedis? _redis;

    public async Task InitializeAsync()
    {
        if (RealRedis.FindBinary() is { } binary)
        {
            _redis = await RealRedis.StartAsync(binary);
        }
    }

    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        _dir.Delete(recursive: true);
    }

    [Fact(Timeout = 90_000)]
    public async Task The_api_publishes_a_manual_ban_with_fleet_true_and_shows_the_origin_of_fleet_bans_and_the_link_in_status()
    {
        if (!FleetTests.RedisAvailable(_redis)) return;
        var key = FleetNode.WriteKey(_dir.FullName);
        var passwordFile = Path.Combine(_dir.FullName, "redis.password");
        File.WriteAllText(passwordFile, _redis!.Password + "\n");
        await using var agent = await AgentUnderTest.StartAsync(s => s with
        {
            Fleet = new FleetOptions
            {
                Enabled = true, BrokerUrl = _redis.Url, User = RealRedis.User, PasswordFile = passwordFile, KeyFile = key, AgentName = "pbx-host",
                ReconnectInitialDelay = TimeSpan.FromMilliseconds(100), ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            },
        });
        await using var other = await FleetNode.StartAsync("pbx-other", _redis.Url, _redis.Password, key);
        await agent.WaitForMetricAsync("watchdog_fleet_connected 1", Wait);

        using (var response = await agent.Http.PostAsJsonAsync("/api/bans", new { address = "203.0.113.60", durationSeconds = 3600, fleet = true }))
        {
            response.EnsureSuccessStatusCode();
        }

        using (var response = await agent.Http.PostAsJsonAsync("/api/bans", new { address = "203.0.113.61", durationSeconds = 3600 }))
        {
            response.EnsureSuccessStatusCode();
        }

        await other.Firewall.Blocked("203.0.113.60").Task.WaitAsync(Wait);
        Assert.Equal("pbx-host", (await other.Bans.ListBansAsync(CancellationToken.None)).Single().Origin);

        await other.Bans.BanAsync(IPAddress.Parse("203.0.113.62"), TimeSpan.FromHours(1), fleet: true, CancellationToken.None);
        var origins = new Dictionary<string, string?>();
        using var deadline = new CancellationTokenSource(Wait);
        while (!origins.ContainsKey("203.0.113.62"))
        {
            await Task.Delay(50, deadline.Token);
            var bans = await agent.Http.GetFromJsonAsync<JsonElement>("/api/bans", deadline.Token);
            origins = bans.EnumerateArray().ToDictionary(b => b.GetProperty("address").GetString()!, b => b.GetProperty("origin").GetString());
        }

        Assert.Equal("local", origins["203.0.113.60"]);
        Assert.Equal("local", origins["203.0.113.61"]);
        Assert.Equal("pbx-other", origins["203.0.113.62"]);

        var status = await agent.StatusAsync();
        Assert.Contains(status.GetProperty("bans").EnumerateArray(), b => b.GetProperty("origin").GetString() == "pbx-other");
        var fleet = status.GetProperty("fleet");
        Assert.True(fleet.GetProperty("connected").GetBoolean());
        Assert.Equal("pbx-host", fleet.GetProperty("agent").GetString());
        Assert.DoesNotContain(_redis.Password, status.GetRawText(), StringComparison.Ordinal);
        var metrics = await agent.MetricsAsync();
        Assert.Contains("watchdog_fleet_bans_total{direction=\"received\",outcome=\"applied\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("watchdog_fleet_bans_total{direction=\"published\",outcome=\"sent\"} 1", metrics, StringComparison.Ordinal);
    }
}
