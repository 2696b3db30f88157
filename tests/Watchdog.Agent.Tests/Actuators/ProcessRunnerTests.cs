using Microsoft.Extensions.Logging.Abstractions;
using Watchdog.Agent.Actuators;

namespace Watchdog.Agent.Tests.Actuators;

public class ProcessRunnerTests
{
    private static ProcessRunner Runner() => new(TimeProvider.System, NullLogger<ProcessRunner>.Instance);

    [Fact(Timeout = 10_000)]
    public async Task Arguments_with_spaces_and_shell_characters_arrive_verbatim()
    {
        using var exe = new StandInExecutable("echo out; echo err >&2; exit 3");
        string[] args = ["a b", "$(touch /tmp/pwned)", "'\"", ";", "--flag=1 2"];

        var result = await Runner().RunAsync(new ProcessSpec(exe.Path_, args, TimeSpan.FromSeconds(5)), CancellationToken.None);

        Assert.Equal(ProcessOutcome.Exited, result.Outcome);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("out\n", result.StandardOutput);
        Assert.Equal("err\n", result.StandardError);
        Assert.Equal(args, Assert.Single(exe.Invocations()));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_program_that_hangs_is_killed_at_its_timeout()
    {
        using var exe = new StandInExecutable("exec sleep 30");

        var result = await Runner().RunAsync(new ProcessSpec(exe.Path_, [], TimeSpan.FromMilliseconds(300)), CancellationToken.None);

        Assert.Equal(ProcessOutcome.TimedOut, result.Outcome);
        Assert.False(result.Succeeded);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_missing_executable_reports_failed_to_start()
    {
        var result = await Runner().RunAsync(new ProcessSpec("/nonexistent/ufw", [], TimeSpan.FromSeconds(1)), CancellationToken.None);

        Assert.Equal(ProcessOutcome.FailedToStart, result.Outcome);
    }

    [Fact(Timeout = 10_000)]
    public async Task Streaming_yields_stdout_lines_until_exit()
    {
        using var exe = new StandInExecutable("printf 'one\\ntwo\\n'; echo noise >&2; printf 'three\\n'");
        var lines = new List<string>();

        await foreach (var line in Runner().StreamLinesAsync(new ProcessSpec(exe.Path_, ["-f"], TimeSpan.FromSeconds(5)), CancellationToken.None))
        {
            lines.Add(line);
        }

        Assert.Equal(["one", "two", "three"], lines);
    }

    [Fact(Timeout = 10_000)]
    public async Task Cancelling_a_stream_kills_the_program()
    {
        using var exe = new StandInExecutable("echo first; exec sleep 30");
        using var cts = new CancellationTokenSource();
        var lines = new List<string>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var line in Runner().StreamLinesAsync(new ProcessSpec(exe.Path_, [], TimeSpan.FromSeconds(5)), cts.Token))
            {
                lines.Add(line);
                await cts.CancelAsync();
            }
        });

        Assert.Equal(["first"], lines);
    }
}
