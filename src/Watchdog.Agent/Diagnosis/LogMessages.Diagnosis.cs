using Microsoft.Extensions.Logging;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Doctor;

namespace Watchdog.Agent;

/// <summary>Log events of the diagnosis component (ids 8000–8999).</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 8000, Level = LogLevel.Information, Message = "Doctor finished: {Count} findings, worst {Worst}, exit code {ExitCode}")]
    public static partial void DoctorFinished(ILogger logger, int count, FindingSeverity worst, int exitCode);

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "Doctor could not read the firewall with {Executable}: {Outcome} exit {ExitCode}")]
    public static partial void DoctorFirewallUnreadable(ILogger logger, string executable, ProcessOutcome outcome, int exitCode);

    [LoggerMessage(EventId = 8100, Level = LogLevel.Warning, Message = "Asterisk process {Pid} unreadable: {Reason}")]
    public static partial void ProcessUnreadable(ILogger logger, int pid, string reason);

    [LoggerMessage(EventId = 8101, Level = LogLevel.Warning,
        Message = "Asterisk process {Pid} memory grows steadily: {SlopeBytesPerHour} bytes/hour (fit {Fit:F2}), now {ResidentBytes} bytes")]
    public static partial void MemoryGrowing(ILogger logger, int pid, long slopeBytesPerHour, double fit, long residentBytes);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Warning, Message = "Asterisk process {Pid} has {OpenFds} of {MaxFds} file descriptors open")]
    public static partial void FdsNearLimit(ILogger logger, int pid, int openFds, long maxFds);

    [LoggerMessage(EventId = 8200, Level = LogLevel.Warning, Message = "TLS target {Target} ({Host}:{Port}): {Problems} — {Detail}")]
    public static partial void TlsProblem(ILogger logger, string target, string host, int port, string problems, string detail);

    [LoggerMessage(EventId = 8300, Level = LogLevel.Warning, Message = "SIP DNS {Domain} {Record}: {Detail}")]
    public static partial void DnsProblem(ILogger logger, string domain, string record, string detail);

    [LoggerMessage(EventId = 8301, Level = LogLevel.Warning, Message = "SIP DNS {Domain} {Record} changed from {Previous} to {Current}")]
    public static partial void DnsChanged(ILogger logger, string domain, string record, string previous, string current);
}
