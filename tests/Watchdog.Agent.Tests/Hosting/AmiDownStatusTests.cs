using System.Text.Json;

namespace Watchdog.Agent.Tests.Hosting;

/// <summary>While AMI is down, /api/status tells the truth: where AMI is, when the next attempt is, stale data and its age.</summary>
public class AmiDownStatusTests
{
    [Fact(Timeout = 60_000)]
    public async Task Clean_shutdown_stays_the_reason_through_refused_reconnects_and_pbx_data_is_marked_stale()
    {
        await using var agent = await AgentUnderTest.StartAsync();
        await agent.WaitForMetricAsync("asterisk_registration_registered{registration=\"mango-registration\"} 1");

        var restart = agent.Simulator.RestartAsync(TimeSpan.FromSeconds(8)); // Shutdown (Restart: True), then refused connections

        JsonElement status;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        do
        {
            await Task.Delay(50, cts.Token);
            status = await agent.StatusAsync();
        }
        while (status.GetProperty("ami").GetProperty("state").GetString() != "down"
               || status.GetProperty("ami").GetProperty("nextAttemptAt").ValueKind == JsonValueKind.Null);
        await Task.Delay(1000, cts.Token); // a few refused attempts (back-off 100–500 ms) must not replace the reason
        status = await agent.StatusAsync();

        var ami = status.GetProperty("ami");
        Assert.Equal("ServerShutdown", ami.GetProperty("lastDisconnectReason").GetString());
        Assert.Equal($"{agent.Simulator.Host}:{agent.Simulator.Port}", ami.GetProperty("endpoint").GetString());
        Assert.True(status.GetProperty("stale").GetBoolean());
        Assert.True(status.GetProperty("staleSeconds").GetDouble() >= 0);
        Assert.Equal("Registered", status.GetProperty("registrations")[0].GetProperty("status").GetString()); // last-known, flagged stale
        await restart;
        await agent.WaitForMetricAsync("watchdog_ami_connected 1");
        Assert.False((await agent.StatusAsync()).GetProperty("stale").GetBoolean());
    }
}
