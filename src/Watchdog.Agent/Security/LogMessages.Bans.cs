using Microsoft.Extensions.Logging;

namespace Watchdog.Agent;

/// <summary>Log events of ban management and provider traffic (ids 5030–5039 of the security range).</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 5030, Level = LogLevel.Warning, Message = "Audit: ban of {Ip} changed by hand: until {OldUntil} → {Until}")]
    public static partial void BanExtended(ILogger logger, string ip, DateTimeOffset oldUntil, DateTimeOffset until);

    [LoggerMessage(EventId = 5031, Level = LogLevel.Information,
        Message = "{Kind} from {Ip} is inside provider range {Range} (trunk {Trunk}): a diagnosis, not an authentication failure")]
    public static partial void ProviderRequestNotAFailure(ILogger logger, string kind, string ip, string range, string trunk);

    [LoggerMessage(EventId = 5032, Level = LogLevel.Warning, Message = "Provider request queue full: dropped the diagnosis of {Ip}")]
    public static partial void ProviderRequestDropped(ILogger logger, string ip);
}
