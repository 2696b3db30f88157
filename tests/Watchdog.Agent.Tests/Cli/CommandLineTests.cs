namespace Watchdog.Agent.Tests.Cli;

/// <summary>The command line as an operator meets it: the real executable, its exit codes and one-line mistakes.</summary>
public class CommandLineTests
{
    [Fact(Timeout = 60_000)]
    public async Task Version_prints_the_version_and_exits_0()
    {
        var result = await CliRun.ExecAsync("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.Output.Trim());
        Assert.Equal("", result.Error);
    }

    [Fact(Timeout = 60_000)]
    public async Task Help_status_prints_the_status_help_not_the_general_one()
    {
        var help = await CliRun.ExecAsync("help", "status");
        var flag = await CliRun.ExecAsync("status", "--help");

        Assert.Equal(0, help.ExitCode);
        Assert.StartsWith("usage: watchdog status [--url URL] [--json]", help.Output);
        Assert.Contains("--watch [SECONDS]", help.Output);
        Assert.Equal(flag.Output, help.Output);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_typo_in_a_command_is_one_line_with_a_suggestion_and_exit_64()
    {
        var result = await CliRun.ExecAsync("stauts");

        Assert.Equal(64, result.ExitCode);
        Assert.Equal("watchdog: unknown command 'stauts' — did you mean 'status'? (see 'watchdog --help')", Assert.Single(result.ErrorLines));
        Assert.Equal("", result.Output);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("status --url", "watchdog: status: required argument missing for option: '--url'")]
    [InlineData("status --jsn", "watchdog: status: unknown option '--jsn' — did you mean '--json'?")]
    [InlineData("demo --duration forever", "watchdog: demo: --duration 'forever' is not a duration")]
    [InlineData("bans add 203.0.113.9 --for 0s", "watchdog: bans add: --for '0s' is not a duration")]
    [InlineData("completion zsh", "watchdog: completion:")]
    public async Task Wrong_usage_is_one_line_and_exit_64(string line, string start)
    {
        var result = await CliRun.RunAsync(line.Split(' '));

        Assert.Equal(64, result.ExitCode);
        Assert.StartsWith(start, Assert.Single(result.ErrorLines));
    }

    [Fact(Timeout = 60_000)]
    public async Task No_command_prints_the_general_help_with_the_exit_code_table_and_exits_64()
    {
        var result = await CliRun.ExecAsync();

        Assert.Equal(64, result.ExitCode);
        Assert.StartsWith("usage: watchdog COMMAND", result.Output);
        Assert.Contains("  78  the configuration is missing, unreadable or invalid", result.Output);
    }

    [Fact(Timeout = 60_000)]
    public async Task Demo_accepts_a_host_name_in_listen()
    {
        // Only the parsing: --help after a valid --listen shows the help instead of running.
        var result = await CliRun.RunAsync("demo", "--listen", "localhost:19557", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("usage: watchdog demo", result.Output);
    }

    [Fact(Timeout = 60_000)]
    public async Task Bash_completion_script_asks_the_executable_which_completes_subcommands()
    {
        var script = await CliRun.ExecAsync("completion", "bash");
        var suggestions = await CliRun.ExecAsync("[suggest:17]", "watchdog bans wh");

        Assert.Equal(0, script.ExitCode);
        Assert.Contains("complete -o default -F _watchdog_complete watchdog", script.Output);
        Assert.Contains("[suggest:${COMP_POINT}]", script.Output);
        Assert.Equal(0, suggestions.ExitCode);
        Assert.Contains("whitelist", suggestions.OutputLines);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_build_carries_the_readme_and_example_config_and_the_readme_lists_the_exit_codes()
    {
        // The executable's own output folder (what 'dotnet publish' copies the same way) holds both files.
        var bin = Path.Combine(CliRun.RepositoryRoot(), "src", "Watchdog", "bin");
        var readmes = Directory.GetFiles(bin, "README.md", SearchOption.AllDirectories);
        Assert.NotEmpty(readmes);
        Assert.NotEmpty(Directory.GetFiles(bin, "watchdog.example.json", SearchOption.AllDirectories));
        var readme = await File.ReadAllTextAsync(Path.Combine(CliRun.RepositoryRoot(), "README.md"));
        foreach (var code in new[] { "| 0 |", "| 1 |", "| 2 |", "| 64 |", "| 78 |" }) Assert.Contains(code, readme);
        Assert.Contains("ln -sf /opt/watchdog/watchdog /usr/local/bin/watchdog", readme);
        Assert.Contains("aspnetcore-runtime-10.0", readme);
    }
}
