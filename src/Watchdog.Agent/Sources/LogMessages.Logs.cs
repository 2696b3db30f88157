using Microsoft.Extensions.Logging;

namespace Watchdog.Agent;

/// <summary>Log events of the log tailers (ids 5200–5219).</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 5200, Level = LogLevel.Information, Message = "Tailing {Path} from offset {Position}")]
    public static partial void TailerOpened(ILogger logger, string path, long position);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "{Path} was rotated (renamed); old file drained to offset {Position}")]
    public static partial void TailerRotated(ILogger logger, string path, long position);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Information, Message = "{Path} was truncated from {Position} to {Length} bytes (copytruncate); reading from the start")]
    public static partial void TailerTruncated(ILogger logger, string path, long position, long length);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Warning, Message = "Dropped a line of {Path} longer than {MaxLineLength} bytes")]
    public static partial void TailerOverlongLine(ILogger logger, string path, int maxLineLength);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Warning, Message = "Cannot watch {Path} with inotify ({Reason}); polling it instead")]
    public static partial void TailerWatcherUnavailable(ILogger logger, string path, string reason);
}
