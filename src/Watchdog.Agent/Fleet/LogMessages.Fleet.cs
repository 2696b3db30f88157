using Microsoft.Extensions.Logging;

namespace Watchdog.Agent;

/// <summary>Log events of the fleet (ids 9000–9099).</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Fleet: connected to {Broker} as agent {Agent}")]
    public static partial void FleetConnected(ILogger logger, string broker, string agent);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Fleet: broker {Broker} unreachable ({Reason}); local bans go on, decisions are queued")]
    public static partial void FleetDisconnected(ILogger logger, string broker, string reason);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "Fleet: dropped a decision from the broker ({Outcome}, claimed origin {Origin}, position {Position})")]
    public static partial void FleetRejected(ILogger logger, string outcome, string origin, string position);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Information, Message = "Fleet: {Action} {Ip} from agent {Origin}: {Outcome}")]
    public static partial void FleetApplied(ILogger logger, string action, string ip, string origin, string outcome);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Warning, Message = "Fleet: broker call failed: {Reason}")]
    public static partial void FleetCallFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 9006, Level = LogLevel.Warning, Message = "Fleet: the decision log on the broker is older than our position {Position}: it was recreated, reading it from its start")]
    public static partial void FleetLogRecreated(ILogger logger, string position);

    [LoggerMessage(EventId = 9007, Level = LogLevel.Warning, Message = "Fleet: publish queue full, dropped the oldest decision ({Action} {Ip})")]
    public static partial void FleetQueueFull(ILogger logger, string action, string ip);
}
