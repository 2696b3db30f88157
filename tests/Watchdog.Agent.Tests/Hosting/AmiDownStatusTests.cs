using System.Text.Json;
using Watchdog.Agent.Tests.Cli;

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

    [Fact(Timeout = 60_000)]
    public async Task Clean_stop_then_refused_reconnects_show_the_shutdown_sentence_in_the_api_and_the_cli()
    {
        await using var agent = await AgentUnderTest.StartAsync();
        await agent.WaitForMetricAsync("asterisk_registration_registered{registration=\"mango-registration\"} 1");
        var endpoint = $"{agent.Simulator.Host}:{agent.Simulator.Port}";

        await agent.Simulator.ShutDownAsync(); // Shutdown (Cleanly, Restart: False), then every connect is refused

        JsonElement status;
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            do
            {
                await Task.Delay(50, cts.Token);
                status = await agent.StatusAsync();
            }
            while (!(status.GetProperty("ami").TryGetProperty("failedAttempts", out var attempts) && attempts.ValueKind == JsonValueKind.Number && attempts.GetInt32() >= 3));
        }

        var ami = status.GetProperty("ami");
        Assert.Equal("down", ami.GetProperty("state").GetString());
        Assert.Equal("ServerShutdown", ami.GetProperty("lastDisconnectReason").GetString()); // the code stays what it always was
        Assert.Equal("ConnectFailed", ami.GetProperty("latestDisconnectReason").GetString());
        var cause = ami.GetProperty("firstCause").GetString()!;
        Assert.Matches(@"^Asterisk shut down cleanly at \d\d:\d\d:\d\dZ \(restart: no\)$", cause);
        Assert.StartsWith($"{cause}; since then: connection refused by {endpoint}, ", ami.GetProperty("lastDisconnect").GetString());
        Assert.True(ami.GetProperty("lastDisconnectAt").GetDateTimeOffset() <= ami.GetProperty("since").GetDateTimeOffset());
        Assert.Equal(endpoint, ami.GetProperty("endpoint").GetString());
        Assert.True(status.GetProperty("stale").GetBoolean());
        Assert.True(status.GetProperty("staleSeconds").GetDouble() >= 0);

        var url = agent.Http.BaseAddress!.ToString().TrimEnd('/');
        var nagios = await CliRun.RunAsync("status", "--url", url, "--format", "nagios");
        var text = await CliRun.RunAsync("status", "--url", url);
        Assert.Equal(2, nagios.ExitCode);
        var line = Assert.Single(nagios.OutputLines);
        Assert.StartsWith($"WATCHDOG CRITICAL - AMI at {endpoint} is down: {cause}; since then: connection refused by {endpoint}", line);
        Assert.Contains("; PBX data last-known, ", line);
        Assert.Contains(" stale=", line);
        Assert.Equal(1, text.ExitCode);
        Assert.Contains(cause, text.Output);
        Assert.Contains("STALE: AMI is down for ", text.Output);

        agent.Simulator.Start();
        await agent.WaitForMetricAsync("watchdog_ami_connected 1");
        status = await agent.StatusAsync();
        Assert.False(status.GetProperty("stale").GetBoolean());
        Assert.Equal(cause, status.GetProperty("ami").GetProperty("firstCause").GetString()); // "last disconnect" after the reconnect
    }
}
