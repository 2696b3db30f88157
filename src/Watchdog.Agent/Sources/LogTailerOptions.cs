namespace Watchdog.Agent.Sources;

/// <summary>Settings of one <see cref="LogTailer"/>.</summary>
public sealed record LogTailerOptions
{
    /// <summary>The file to follow (e.g. /var/log/auth.log, /var/log/asterisk/security).</summary>
    public string Path { get; init; } = "";

    /// <summary>How often the file is checked for new bytes, rotation and truncation.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Skip what the file holds when the tailer first finds it (the default), rather than replaying history.
    /// A file that appears later, or after rotation, is always read from its start.
    /// </summary>
    public bool StartAtEnd { get; init; } = true;

    /// <summary>Longer lines are dropped (counted and logged), so garbage cannot grow the buffer without bound.</summary>
    public int MaxLineLength { get; init; } = 16 * 1024;

    /// <summary>
    /// Wake up on inotify change events of the file's directory instead of every <see cref="PollInterval"/>.
    /// While the watcher runs the file is polled only every <see cref="WatchedPollInterval"/> (a safety net);
    /// without it (no directory yet, inotify limit reached) polling on <see cref="PollInterval"/> continues.
    /// </summary>
    public bool UseFileSystemWatcher { get; init; }

    /// <summary>The safety-net poll while the file system watcher runs.</summary>
    public TimeSpan WatchedPollInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Every problem with these settings (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Path) || !System.IO.Path.IsPathFullyQualified(Path))
        {
            problems.Add($"{nameof(Path)} must be an absolute file path (was '{Path}').");
        }

        if (PollInterval < TimeSpan.FromMilliseconds(1) || PollInterval > TimeSpan.FromMinutes(5))
        {
            problems.Add($"{nameof(PollInterval)} must be between 1 ms and 5 minutes (was {PollInterval}).");
        }

        if (WatchedPollInterval < PollInterval || WatchedPollInterval > TimeSpan.FromHours(1))
        {
            problems.Add($"{nameof(WatchedPollInterval)} must be between {nameof(PollInterval)} and 1 hour (was {WatchedPollInterval}).");
        }

        if (MaxLineLength is < 256 or > 1024 * 1024)
        {
            problems.Add($"{nameof(MaxLineLength)} must be between 256 and 1048576 bytes (was {MaxLineLength}).");
        }

        return problems;
    }
}
