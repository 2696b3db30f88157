using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Watchdog.Agent.Sources;

/// <summary>Receives one complete line (without its line terminator); the span is only valid during the call.</summary>
public delegate void LineHandler(ReadOnlySpan<byte> line);

/// <summary>
/// Follows a growing log file like <c>tail -F</c>: complete lines only (a line written in pieces is held until its
/// newline), rotation by rename+create (the old file is drained first) and by copytruncate (size below our
/// offset), a file that is absent at start or for a while, start at the end by default. Driven by polling on a
/// <see cref="TimeProvider"/> interval or, with <see cref="LogTailerOptions.UseFileSystemWatcher"/>, by inotify:
/// then it sleeps until the directory changes and polls only every
/// <see cref="LogTailerOptions.WatchedPollInterval"/> as a safety net, so an idle log costs no wake-ups.
/// Not thread-safe: one loop calls <see cref="Poll"/>.
/// </summary>
public sealed class LogTailer : IDisposable
{
    private const int ReadSize = 64 * 1024;

    private readonly LogTailerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LogTailer> _logger;
    private readonly string _path;
    private readonly byte[] _buffer = new byte[ReadSize];
    private byte[] _partial = new byte[1024];
    private int _partialLength;
    private bool _discarding;
    private SafeFileHandle? _handle;
    private string? _openedTarget;
    private long _position;
    private bool _polledBefore;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FileSystemWatcher? _watcher;
    private bool _watcherUnavailable;

    /// <summary>Creates a tailer; nothing is opened until the first <see cref="Poll"/>.</summary>
    public LogTailer(LogTailerOptions options, TimeProvider time, ILogger<LogTailer> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _options = options;
        _time = time;
        _logger = logger;
        _path = Path.GetFullPath(options.Path);
    }

    /// <summary>Lines dropped for being longer than <see cref="LogTailerOptions.MaxLineLength"/>.</summary>
    public long OverlongLines { get; private set; }

    /// <summary>Byte offset of the next read in the current file.</summary>
    public long Position => _position;

    /// <summary>
    /// Runs until cancelled: poll, hand the lines to <paramref name="onLine"/>, await <paramref name="afterPoll"/>
    /// (e.g. to act on what the lines said), wait for the interval or a nudge.
    /// </summary>
    public async Task RunAsync(LineHandler onLine, Func<CancellationToken, ValueTask> afterPoll, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onLine);
        ArgumentNullException.ThrowIfNull(afterPoll);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_options.UseFileSystemWatcher && _watcher is null && !_watcherUnavailable)
            {
                StartWatcher(); // again after each poll while the directory does not exist
            }
            Poll(onLine);
            await afterPoll(cancellationToken).ConfigureAwait(false);
            await WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Wakes <see cref="RunAsync"/> before its interval ends (from a watcher or a test).</summary>
    public void Nudge() => Volatile.Read(ref _wake).TrySetResult();

    /// <summary>Reads whatever is new once; returns the number of lines handed to <paramref name="onLine"/>.</summary>
    public int Poll(LineHandler onLine)
    {
        ArgumentNullException.ThrowIfNull(onLine);
        var firstPoll = !_polledBefore;
        _polledBefore = true;
        if (_handle is null)
        {
            if (!TryOpen(fromEnd: firstPoll && _options.StartAtEnd))
            {
                return 0;
            }
        }

        var lines = 0;
        var length = RandomAccess.GetLength(_handle!);
        if (length < _position)
        {
            LogMessages.TailerTruncated(_logger, _path, _position, length);
            _position = 0;
            ResetPartial();
        }

        lines += ReadToEnd(onLine);

        if (IsReplaced())
        {
            if (!File.Exists(_path))
            {
                // Renamed away and not yet re-created: keep draining the old file until the new one appears.
                return lines;
            }

            // Anything the writer added to the old file before it moved on.
            lines += ReadToEnd(onLine);
            LogMessages.TailerRotated(_logger, _path, _position);
            Close();
            if (TryOpen(fromEnd: false))
            {
                lines += ReadToEnd(onLine);
            }
        }

        return lines;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _watcher?.Dispose();
        Close();
    }

    private bool TryOpen(bool fromEnd)
    {
        try
        {
            _handle = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return false;
        }

        _position = fromEnd ? RandomAccess.GetLength(_handle) : 0;
        _openedTarget = CurrentTarget();
        ResetPartial();
        LogMessages.TailerOpened(_logger, _path, _position);
        return true;
    }

    private void Close()
    {
        _handle?.Dispose();
        _handle = null;
        ResetPartial();
    }

    /// <summary>True when the path no longer names the file we hold open (renamed, deleted or replaced).</summary>
    private bool IsReplaced()
    {
        var target = CurrentTarget();
        if (target is not null && _openedTarget is not null)
        {
            return target != _openedTarget;
        }

        // Without /proc: a path that vanished or shrank under us is all we can see.
        return !File.Exists(_path) || new FileInfo(_path).Length < _position;
    }

    // /proc/self/fd/N names the file behind our handle: it follows a rename and says "(deleted)" after unlink.
    private string? CurrentTarget() =>
        OperatingSystem.IsLinux() && _handle is not null
            ? new FileInfo($"/proc/self/fd/{_handle.DangerousGetHandle()}").LinkTarget
            : null;

    private int ReadToEnd(LineHandler onLine)
    {
        var lines = 0;
        while (true)
        {
            var read = RandomAccess.Read(_handle!, _buffer, _position);
            if (read <= 0)
            {
                return lines;
            }

            _position += read;
            lines += Split(_buffer.AsSpan(0, read), onLine);
        }
    }

    private int Split(ReadOnlySpan<byte> chunk, LineHandler onLine)
    {
        var lines = 0;
        while (!chunk.IsEmpty)
        {
            var newline = chunk.IndexOf((byte)'\n');
            if (newline < 0)
            {
                AppendPartial(chunk);
                return lines;
            }

            var piece = chunk[..newline];
            chunk = chunk[(newline + 1)..];
            if (_discarding)
            {
                _discarding = false;
                continue;
            }

            if (_partialLength > 0)
            {
                AppendPartial(piece);
                if (_discarding)
                {
                    _discarding = false;
                    continue;
                }

                piece = _partial.AsSpan(0, _partialLength);
                _partialLength = 0;
            }

            if (piece.Length > _options.MaxLineLength)
            {
                Overlong();
                continue;
            }

            if (!piece.IsEmpty && piece[^1] == (byte)'\r')
            {
                piece = piece[..^1];
            }

            onLine(piece);
            lines++;
        }

        return lines;
    }

    private void AppendPartial(ReadOnlySpan<byte> bytes)
    {
        if (_discarding)
        {
            return;
        }

        var needed = _partialLength + bytes.Length;
        if (needed > _options.MaxLineLength)
        {
            Overlong();
            _partialLength = 0;
            _discarding = true;
            return;
        }

        if (needed > _partial.Length)
        {
            Array.Resize(ref _partial, Math.Min(Math.Max(needed, _partial.Length * 2), _options.MaxLineLength));
        }

        bytes.CopyTo(_partial.AsSpan(_partialLength));
        _partialLength = needed;
    }

    private void Overlong()
    {
        OverlongLines++;
        LogMessages.TailerOverlongLine(_logger, _path, _options.MaxLineLength);
    }

    private void ResetPartial()
    {
        _partialLength = 0;
        _discarding = false;
    }

    private async Task WaitAsync(CancellationToken cancellationToken)
    {
        var wake = Volatile.Read(ref _wake);
        if (!wake.Task.IsCompleted)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(_watcher is null ? _options.PollInterval : _options.WatchedPollInterval, _time, stop.Token);
            await Task.WhenAny(delay, wake.Task).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (wake.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), wake);
        }
    }

    private void StartWatcher()
    {
        var directory = Path.GetDirectoryName(_path);
        if (directory is null || !Directory.Exists(directory))
        {
            return;
        }

        var watcher = new FileSystemWatcher(directory, Path.GetFileName(_path))
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        watcher.Changed += (_, _) => Nudge();
        watcher.Created += (_, _) => Nudge();
        watcher.Deleted += (_, _) => Nudge();
        watcher.Renamed += (_, _) => Nudge();
        // Overflowed or lost events: a poll catches up, as it would have without the watcher.
        watcher.Error += (_, _) => Nudge();
        try
        {
            watcher.EnableRaisingEvents = true;
        }
        catch (IOException e)
        {
            // Typically the inotify instance limit (fs.inotify.max_user_instances): poll instead, for good.
            watcher.Dispose();
            _watcherUnavailable = true;
            LogMessages.TailerWatcherUnavailable(_logger, _path, e.Message);
            return;
        }
        _watcher = watcher;
    }
}
