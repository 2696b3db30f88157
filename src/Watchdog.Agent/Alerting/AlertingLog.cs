using Microsoft.Extensions.Logging;

namespace Watchdog.Agent.Alerting;

/// <summary>
/// Log lines of the alert pipeline. Event ids 6000–6099 belong to alerting; property names are a
/// contract for log queries. No line carries a token, password or message body.
/// </summary>
internal static partial class AlertingLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Debug,
        Message = "Alert {AlertKey} ({AlertKind}) {AdmitOutcome}; {PendingCount} waiting")]
    public static partial void AlertAdmitted(ILogger logger, string alertKey, AlertKind alertKind, AdmitOutcome admitOutcome, int pendingCount);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning,
        Message = "Alert queue full; dropped alert {AlertKey} ({AlertKind})")]
    public static partial void AlertDropped(ILogger logger, string alertKey, AlertKind alertKind);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information,
        Message = "Sending {AlertCount} alerts to {ChannelCount} channels")]
    public static partial void GroupFlushed(ILogger logger, int alertCount, int channelCount);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information,
        Message = "Notification delivered via {Channel} on attempt {Attempt}")]
    public static partial void Delivered(ILogger logger, string channel, int attempt);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning,
        Message = "Notification via {Channel} failed on attempt {Attempt} ({ErrorType}: {Error}); retrying in {RetryDelay}")]
    public static partial void RetryScheduled(ILogger logger, string channel, int attempt, string errorType, string error, TimeSpan retryDelay);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Error,
        Message = "Notification via {Channel} abandoned after {Attempt} attempts ({ErrorType}: {Error})")]
    public static partial void GaveUp(ILogger logger, string channel, int attempt, string errorType, string error);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Warning,
        Message = "Channel {Channel} queue full; dropped the oldest notification")]
    public static partial void NotificationDropped(ILogger logger, string channel);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Warning,
        Message = "No notification channel is enabled; alerts are only logged")]
    public static partial void NoChannels(ILogger logger);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Information,
        Message = "Alert {AlertKey} ({AlertKind}, {AlertSeverity}) for {AlertSubject}")]
    public static partial void AlertNotified(ILogger logger, string alertKey, AlertKind alertKind, AlertSeverity alertSeverity, string alertSubject);
}
