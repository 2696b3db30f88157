using System.Text.Json;
using Watchdog.Agent.Tests.Hosting;

namespace Watchdog.Agent.Tests.Cli;

public class StatusCommandTests
{
    // Healthy, and the state has arrived over AMI (before it does, there is nothing to be unhealthy about).
    private static bool Ready(CliResult r) => r.ExitCode == 0 && r.Output.Contains("mango-registration") && r.Output.Contains("elevenlabs-trunk");

    [Fact(Timeout = 30_000)]
    public async Task Status_of_a_healthy_agent_shows_every_table_and_exits_0()
    {
        await using var agent = await AgentUnderTest.StartAsync();
        var url = agent.Http.BaseAddress!.ToString();

        var result = await CliRun.RunUntilAsync(Ready, "status", "--url", url);

        Assert.StartsWith("HEALTHY", result.Output);
        Assert.Contains("connected", result.Output);
        Assert.Contains(agent.Simulator.Pbx.AsteriskVersion, result.Output);
        Assert.Contains("mango-registration", result.Output);
        Assert.Contains("Registered", result.Output);
        Assert.Contains("elevenlabs-trunk", result.Output);
        Assert.Contains("0.7 ms", result.Output); // elevenlabs' 726 µs round trip
        Assert.Contains("no active bans", result.Output);
        Assert.DoesNotContain("\u001b[", result.Output); // no colour codes when not a terminal
        Assert.Equal("", result.Error);
    }

    [Fact(Timeout = 30_000)]
    public async Task Status_json_prints_the_agents_document_indented()
    {
        await using var agent = await AgentUnderTest.StartAsync();
        var url = agent.Http.BaseAddress!.ToString();

        var result = await CliRun.RunUntilAsync(Ready, "status", "--url", url, "--json");

        using var json = JsonDocument.Parse(result.Output);
        Assert.Equal("connected", json.RootElement.GetProperty("ami").GetProperty("state").GetString());
        Assert.Equal("mango-registration", json.RootElement.GetProperty("registrations")[0].GetProperty("name").GetString());
        Assert.False(json.RootElement.GetProperty("dryRun").GetBoolean());
        Assert.Contains("\n  \"ami\": {", result.Output.ReplaceLineEndings("\n"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Status_is_degraded_with_exit_1_when_the_registration_is_rejected()
    {
        // Healing off, or the agent would re-register before the CLI looks.
        await using var agent = await AgentUnderTest.StartAsync(s => s with { Healing = s.Healing with { Enabled = false } });
        var url = agent.Http.BaseAddress!.ToString();
        await CliRun.RunUntilAsync(Ready, "status", "--url", url);

        agent.Simulator.SetRegistrationStatus("mango-registration", "Rejected");
        var result = await CliRun.RunUntilAsync(r => r.ExitCode != 0, "status", "--url", url);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("DEGRADED", result.Output);
        Assert.Contains("registration mango-registration is Rejected", result.Output);
    }

    [Fact(Timeout = 30_000)]
    public async Task Status_is_degraded_when_an_endpoints_contacts_are_unreachable()
    {
        await using var agent = await AgentUnderTest.StartAsync();
        var url = agent.Http.BaseAddress!.ToString();
        await CliRun.RunUntilAsync(Ready, "status", "--url", url);

        agent.Simulator.SetContactStatus("elevenlabs-trunk", "Unreachable");
        var result = await CliRun.RunUntilAsync(r => r.ExitCode != 0, "status", "--url", url);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("endpoint elevenlabs-trunk is unreachable", result.Output);
    }

    [Fact(Timeout = 30_000)]
    public async Task Status_is_degraded_when_the_agent_has_lost_ami()
    {
        await using var agent = await AgentUnderTest.StartAsync(s => s with { Healing = s.Healing with { Enabled = false } });
        var url = agent.Http.BaseAddress!.ToString();
        await CliRun.RunUntilAsync(Ready, "status", "--url", url);

        await agent.Simulator.StopListeningAsync();
        agent.Simulator.DropConnections();
        var result = await CliRun.RunUntilAsync(r => r.ExitCode != 0, "status", "--url", url);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("AMI is down", result.Output);
    }

    [Fact(Timeout = 30_000)]
    public async Task Status_against_a_closed_port_says_so_in_one_line_and_exits_2()
    {
        var url = $"http://127.0.0.1:{CliRun.FreePort()}";

        var result = await CliRun.RunAsync("status", "--url", url);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith($"watchdog: agent not reachable at {url}: ", line);
        Assert.Equal("", result.Output);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("status", "--url", "ftp://x")]
    [InlineData("status", "--bogus")]
    [InlineData("nonsense")]
    public async Task Bad_command_lines_are_one_line_errors_with_exit_64(params string[] args)
    {
        var result = await CliRun.RunAsync(args);

        Assert.Equal(64, result.ExitCode);
        Assert.StartsWith("watchdog: ", Assert.Single(result.ErrorLines));
    }

    [Theory(Timeout = 10_000)]
    [InlineData("status")]
    [InlineData("bans")]
    [InlineData("check-config")]
    public async Task Help_on_each_command_exits_0_with_its_usage(string command)
    {
        var result = await CliRun.RunAsync(command, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith($"usage: watchdog {command}", result.Output);
    }
}
