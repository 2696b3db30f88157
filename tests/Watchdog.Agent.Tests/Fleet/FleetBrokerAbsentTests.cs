using System.Net;
using Watchdog.Agent.Security;
using Watchdog.Agent.Tests.Cli;

namespace Watchdog.Agent.Tests.Fleet;

/// <summary>A broker that is not there when the agent starts: the fleet waits for it, the agent does not stop.</summary>
public sealed class FleetBrokerAbsentTests
{
    [Fact(Timeout = 90_000)]
    public async Task A_broker_down_at_start_keeps_the_fleet_service_trying_local_bans_working_and_connects_when_it_comes()
    {
        var dir = Directory.CreateTempSubdirectory("watchdog-fleet-absent-");
        var key = FleetNode.WriteKey(dir.FullName);
        var port = CliRun.FreePort();
        var password = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await using var node = await FleetNode.StartAsync("pbx-a", $"redis://127.0.0.1:{port}", password, key);
        try
        {
            // The first attempt ends after the client's 5 s connect timeout with an unconnected client (and used to throw out
            // of the service, which stopped the whole agent); later attempts fail too. The service goes on, and so do local bans.
            await Task.Delay(TimeSpan.FromSeconds(7));
            Assert.False(node.Running?.IsCompleted, $"the fleet service ended: {node.Running?.Exception}");
            Assert.False(node.Receiver.Connected);
            Assert.Equal(BanResult.Banned, await node.Bans.BanAsync(IPAddress.Parse("203.0.113.20"), TimeSpan.FromHours(1), fleet: true, CancellationToken.None));
            Assert.Equal(1, node.Firewall.Count("block 203.0.113.20"));

            if (RealRedis.FindBinary() is not { } binary)
            {
                Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), "redis-server is not installed");
                return;
            }

            await using var redis = await RealRedis.StartAsync(binary, port: port, password: password);
            Assert.True(await FleetNode.WaitAsync(() => node.Receiver.Connected, TimeSpan.FromSeconds(30)), "never connected once the broker came:\n" + redis.Log);
            // The ban decided while it was away was kept and is published now.
            Assert.True(await FleetNode.WaitAsync(() => node.Metrics.Count("published", "sent") >= 1, TimeSpan.FromSeconds(15)));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
