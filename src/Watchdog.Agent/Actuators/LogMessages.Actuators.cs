using Microsoft.Extensions.Logging;
using Watchdog.Agent.Actuators;

namespace Watchdog.Agent;

/// <summary>Log events of the actuators (ids 5100–5199). Other parts of the agent add their own partial files.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Information,
        Message = "Process {Executable} finished: {Outcome} exit {ExitCode} in {ElapsedMs} ms ({Command}); stdout: {StandardOutput}; stderr: {StandardError}")]
    public static partial void ProcessFinished(ILogger logger, string executable, string command, ProcessOutcome outcome,
        int exitCode, long elapsedMs, string standardOutput, string standardError);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Error, Message = "Process {Executable} could not start ({Command}): {Error}")]
    public static partial void ProcessStartFailed(ILogger logger, string executable, string command, string error);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Process {Executable} killed ({Command})")]
    public static partial void ProcessKilled(ILogger logger, string executable, string command);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Process {Executable} wrote to stderr: {StandardError}")]
    public static partial void ProcessStandardError(ILogger logger, string executable, string standardError);

    [LoggerMessage(EventId = 5110, Level = LogLevel.Information, Message = "Dry run: would {Action} {Ip} with {Command}")]
    public static partial void FirewallDryRun(ILogger logger, string action, string ip, string command);

    [LoggerMessage(EventId = 5111, Level = LogLevel.Error, Message = "Firewall {Action} of {Ip} failed: {Outcome} exit {ExitCode}")]
    public static partial void FirewallCommandFailed(ILogger logger, string action, string ip, ProcessOutcome outcome, int exitCode);
}
