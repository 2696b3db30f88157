namespace Watchdog.Agent.Actuators;

/// <summary>
/// Runs external programs (ufw, systemctl, journalctl) with an argument vector — never a shell string.
/// One real implementation (<see cref="ProcessRunner"/>); tests point it at stand-in executables.
/// </summary>
public interface IProcessRunner
{
    /// <summary>Runs to completion (or kills it at <see cref="ProcessSpec.Timeout"/>) and returns what it printed.</summary>
    Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken);

    /// <summary>
    /// Starts a long-running program and yields its standard output line by line until it exits or the
    /// token fires (then the process tree is killed). Standard error is logged, not returned.
    /// </summary>
    IAsyncEnumerable<string> StreamLinesAsync(ProcessSpec spec, CancellationToken cancellationToken);
}

/// <summary>What to run. <paramref name="Arguments"/> go to <c>ProcessStartInfo.ArgumentList</c> one by one.</summary>
/// <param name="FileName">Path of the executable.</param>
/// <param name="Arguments">Each argument as its own element; nothing is ever split or shell-interpreted.</param>
/// <param name="Timeout">For <see cref="IProcessRunner.RunAsync"/>: kill the process tree after this long.</param>
public sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments, TimeSpan Timeout)
{
    /// <summary>The command for logs: file name and arguments joined by spaces (display only).</summary>
    public string Display => Arguments.Count == 0 ? FileName : FileName + " " + string.Join(' ', Arguments);
}

/// <summary>How a run ended.</summary>
public enum ProcessOutcome
{
    /// <summary>The program exited by itself (see <see cref="ProcessResult.ExitCode"/>).</summary>
    Exited,
    /// <summary>It ran past its timeout and was killed.</summary>
    TimedOut,
    /// <summary>It could not be started (missing file, not executable).</summary>
    FailedToStart,
}

/// <summary>The result of <see cref="IProcessRunner.RunAsync"/>.</summary>
public sealed record ProcessResult(ProcessOutcome Outcome, int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed)
{
    /// <summary>True when the program exited by itself with status 0.</summary>
    public bool Succeeded => Outcome == ProcessOutcome.Exited && ExitCode == 0;
}
