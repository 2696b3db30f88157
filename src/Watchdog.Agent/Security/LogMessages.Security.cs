using Microsoft.Extensions.Logging;
using Watchdog.Agent.Security;

namespace Watchdog.Agent;

/// <summary>Log events of the security component (ids 5000–5099).</summary>
internal static partial class LogMessages
{
    /// <summary>The audit trail: one event per ban/unban attempt, with stable property names.</summary>
    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning,
        Message = "Audit: {Action} {Ip} source {Source} reason {Reason} outcome {Outcome} until {Until}")]
    public static partial void Audit(ILogger logger, string action, string ip, string source, string reason, string outcome, DateTimeOffset until);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "Ignoring {Kind} failure from whitelisted {Ip} ({Source})")]
    public static partial void WhitelistedFailure(ILogger logger, string ip, string source, string kind);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Authentication failure spike: {FailuresPerMinute} per minute (threshold {Threshold})")]
    public static partial void FailureSpike(ILogger logger, int failuresPerMinute, int threshold);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Ban state {Path} loaded: {Restored} bans re-applied, {Lifted} lifted")]
    public static partial void BansRestored(ILogger logger, string path, int restored, int lifted);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Error, Message = "Ban state {Path} unreadable, moved to {MovedTo}: {Error}")]
    public static partial void BanStateUnreadable(ILogger logger, string path, string movedTo, string error);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Error, Message = "Could not save ban state {Path}: {Error}")]
    public static partial void BanStateSaveFailed(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Error, Message = "Alert sink failed for {AlertKind}")]
    public static partial void AlertSinkFailed(ILogger logger, AttackAlertKind alertKind, Exception exception);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "{Executable} exited; restarting the journal source in {DelaySeconds} s")]
    public static partial void JournalSourceRestarting(ILogger logger, string executable, double delaySeconds);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Debug, Message = "Unparseable journal entry skipped: {Error}")]
    public static partial void JournalEntrySkipped(ILogger logger, string error);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Warning, Message = "The ban policy fell behind: {Dropped} authentication failures dropped so far")]
    public static partial void AuthFailuresDropped(ILogger logger, long dropped);
}
