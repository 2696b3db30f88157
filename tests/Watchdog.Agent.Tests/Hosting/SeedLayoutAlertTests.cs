using System.Text.Json;
using Watchdog.Agent.Tests.Cli;
using Watchdog.Agent.Tests.Metrics;
using Watchdog.Simulator;
using Xunit.Abstractions;

namespace Watchdog.Agent.Tests.Hosting;

/// <summary>
/// The whole agent against the simulator playing the operators' layout (contact-less provider trunk, an
/// unregistered phone, a qualified voice-AI contact), scraped by a real Prometheus evaluating the project's
/// own alerts/*.yml unchanged: healthy means no alert pending or firing, no alert sent, <c>status</c> exit 0;
/// the voice-AI contact lost means exactly one alert.
/// </summary>
public class SeedLayoutAlertTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 150_000)]
    public async Task Healthy_seed_layout_raises_no_alert_and_a_lost_voice_AI_contact_raises_exactly_one()
    {
        var binary = RealPrometheus.FindBinary();
        if (binary is null)
        {
            output.WriteLine(RealPrometheus.RequireOrSkip());
            return;
        }
        await using var agent = await AgentUnderTest.StartAsync(pbx: SimulatedPbx.SeedLayout());
        await agent.WaitForMetricAsync("asterisk_endpoint_reachable{endpoint=\"elevenlabs-trunk\"} 1");
        var rules = Directory.GetFiles(Path.Combine(CliRun.RepositoryRoot(), "alerts"), "*.yml");
        await using var prometheus = await RealPrometheus.StartAsync(binary, agent.Http.BaseAddress!.Authority, rules);

        // Healthy: the agent is scraped and every rule has been evaluated a few times, and nothing is pending or firing.
        Assert.True(await prometheus.PollAsync(async ct =>
            (await prometheus.QueryAsync("watchdog_ami_connected", ct)).GetProperty("data").GetProperty("result").GetArrayLength() == 1, Wait),
            "Prometheus never scraped the agent:\n" + prometheus.Log);
        await prometheus.PollAsync(async ct => (await prometheus.QueryAsync("count_over_time(up[1m]) >= 5", ct))
            .GetProperty("data").GetProperty("result").GetArrayLength() == 1, Wait);
        Assert.Empty(await AlertsAsync(prometheus));
        var metrics = await agent.MetricsAsync();
        Assert.DoesNotContain("asterisk_endpoint_reachable{endpoint=\"mango-trunk\"}", metrics);
        Assert.DoesNotContain("asterisk_endpoint_reachable{endpoint=\"6001\"}", metrics);
        Assert.Contains("asterisk_contact_reachable{endpoint=\"elevenlabs-trunk\",contact=\"elevenlabs-aor\"} 1", metrics);
        var status = await agent.StatusAsync();
        var reachable = status.GetProperty("endpoints").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("reachable"));
        Assert.Equal(JsonValueKind.Null, reachable["mango-trunk"].ValueKind);
        Assert.Equal(JsonValueKind.Null, reachable["6001"].ValueKind);
        Assert.Equal(JsonValueKind.True, reachable["elevenlabs-trunk"].ValueKind);
        var cli = await CliRun.RunAsync("status", "--url", agent.Http.BaseAddress!.ToString().TrimEnd('/'));
        Assert.True(cli.ExitCode == 0, cli.Output + cli.Error);

        // The voice-AI peer stops answering qualify, as at 82 s in the capture.
        agent.Simulator.SetContactStatus("elevenlabs-trunk", "Unreachable");
        await agent.WaitForMetricAsync("asterisk_endpoint_reachable{endpoint=\"elevenlabs-trunk\"} 0");
        List<JsonElement> alerts = [];
        Assert.True(await prometheus.PollAsync(async ct => (alerts = await AlertsAsync(prometheus, ct)).Count > 0, Wait), "no alert:\n" + prometheus.Log);
        var alert = Assert.Single(alerts);
        Assert.Equal("AsteriskEndpointUnreachable", alert.GetProperty("labels").GetProperty("alertname").GetString());
        Assert.Equal("elevenlabs-trunk", alert.GetProperty("labels").GetProperty("endpoint").GetString());
        Assert.Equal("pending", alert.GetProperty("state").GetString()); // the rule's own for: 2m is kept; pending is the alert
    }

    private static async Task<List<JsonElement>> AlertsAsync(RealPrometheus prometheus, CancellationToken ct = default) =>
        [.. (await prometheus.GetAsync("/api/v1/alerts", ct)).GetProperty("data").GetProperty("alerts").EnumerateArray()];
}
