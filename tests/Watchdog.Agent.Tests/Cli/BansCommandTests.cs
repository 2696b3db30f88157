using Watchdog.Agent.Tests.Hosting;

namespace Watchdog.Agent.Tests.Cli;

public class BansCommandTests
{
    [Fact(Timeout = 30_000)]
    public async Task Bans_add_list_remove_round_trip_goes_through_the_agents_firewall()
    {
        await using var agent = await AgentUnderTest.StartAsync();
        var url = agent.Http.BaseAddress!.ToString();

        var add = await CliRun.RunAsync("bans", "add", "203.0.113.9", "--for", "2h", "--url", url);
        var list = await CliRun.RunAsync("bans", "list", "--url", url);
        var remove = await CliRun.RunAsync("bans", "remove", "203.0.113.9", "--url", url);
        var after = await CliRun.RunAsync("bans", "list", "--url", url);
        var again = await CliRun.RunAsync("bans", "remove", "203.0.113.9", "--url", url);

        Assert.Equal((0, "banned 203.0.113.9 for 2h 0m\n"), (add.ExitCode, add.Output.ReplaceLineEndings("\n")));
        Assert.Equal(0, list.ExitCode);
        var row = list.Output.Split('\n')[1];
        Assert.Contains("203.0.113.9", row);
        Assert.Contains("manual", row);
        Assert.Equal(0, remove.ExitCode);
        Assert.Equal("unbanned 203.0.113.9", remove.Output.Trim());
        Assert.Equal("no active bans\n\nclose to a ban: nobody", after.Output.Trim().ReplaceLineEndings("\n"));
        Assert.Equal(1, again.ExitCode);
        Assert.Equal(["block 203.0.113.9", "unblock 203.0.113.9"], agent.Parts.Firewall.Calls);
    }

    [Fact(Timeout = 30_000)]
    public async Task Bans_add_of_a_whitelisted_address_is_refused_with_exit_1()
    {
        await using var agent = await AgentUnderTest.StartAsync();

        var result = await CliRun.RunAsync("bans", "add", "81.88.86.10", "--url", agent.Http.BaseAddress!.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("whitelisted", Assert.Single(result.ErrorLines));
        Assert.Empty(agent.Parts.Firewall.Calls);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("bans", "add", "1.2.3")]
    [InlineData("bans", "remove", "not-an-ip")]
    [InlineData("bans", "add", "010.1.2.3")]
    [InlineData("bans", "add", "203.0.113.9", "--for", "forever")]
    [InlineData("bans", "add")]
    [InlineData("bans", "drop", "203.0.113.9")]
    [InlineData("bans", "list", "--for", "1h")]
    public async Task Bad_bans_command_lines_fail_locally_in_one_line_with_exit_64(params string[] args)
    {
        // A closed port: the agent is never asked.
        var result = await CliRun.RunAsync([.. args, "--url", $"http://127.0.0.1:{CliRun.FreePort()}"]);

        Assert.Equal(64, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("watchdog: bans", line);
    }

    [Fact(Timeout = 10_000)]
    public async Task Bans_against_a_closed_port_exit_2()
    {
        var result = await CliRun.RunAsync("bans", "list", "--url", $"http://127.0.0.1:{CliRun.FreePort()}");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("watchdog: agent not reachable at", Assert.Single(result.ErrorLines));
    }
}
