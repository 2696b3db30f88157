using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Watchdog.Agent.Sources;

/// <summary>Someone who reads Asterisk's messages log: each line, then a call after each read, outside the line callback.</summary>
public interface IAsteriskLogObserver
{
    /// <summary>One line, without its line break. Must return at once: filter cheaply, queue what you act on.</summary>
    void OnLine(ReadOnlySpan<byte> line);

    /// <summary>After each read of the file: act on what <see cref="OnLine"/> queued.</summary>
    ValueTask AfterReadAsync(CancellationToken ct) => ValueTask.CompletedTask;
}

/// <summary>
/// Asterisk's messages log, tailed once and fanned out to every <see cref="IAsteriskLogObserver"/> (the healing
/// loop's failure causes and RTP time-outs, the trunk diagnoses): one reader, one inotify watch, one parse filter
/// per observer, whoever listens. Nothing runs without a path or without observers.
/// </summary>
public sealed class AsteriskMessagesLog(string? path, IEnumerable<IAsteriskLogObserver> observers, TimeProvider time, ILoggerFactory loggers)
    : BackgroundService
{
    private readonly IAsteriskLogObserver[] _observers = [.. observers];

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (path is not { Length: > 0 } || _observers.Length == 0)
        {
            return;
        }
        using var tailer = new LogTailer(new LogTailerOptions { Path = path, PollInterval = TimeSpan.FromMilliseconds(500), UseFileSystemWatcher = true }, time,
            loggers.CreateLogger<LogTailer>());
        try
        {
            await tailer.RunAsync(OnLine, AfterReadAsync, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void OnLine(ReadOnlySpan<byte> line)
    {
        foreach (var observer in _observers)
        {
            observer.OnLine(line);
        }
    }

    private async ValueTask AfterReadAsync(CancellationToken ct)
    {
        foreach (var observer in _observers)
        {
            await observer.AfterReadAsync(ct).ConfigureAwait(false);
        }
    }
}
