using Microsoft.Extensions.Logging;
using Watchdog.Agent.Actuators;

namespace Watchdog.Agent.Diagnosis;

/// <summary>Log events of the diagnosis component (ids 8000–8999).</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 8000, Level = LogLevel.Information, Message = "Doctor finished: {Count} findings, worst {Worst}, exit code {ExitCode}")]
    public static partial void DoctorFinished(ILogger logger, int count, FindingSeverity worst, int exitCode);

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "Doctor could not read the firewall with {Executable}: {Outcome} exit {ExitCode}")]
    public static partial void DoctorFirewallUnreadable(ILogger logger, string executable, ProcessOutcome outcome, int exitCode);
}
