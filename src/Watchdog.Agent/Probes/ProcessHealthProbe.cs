using System.Globalization;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Probes;

/// <summary>The result of one <see cref="ProcessHealthProbe.ProbeAsync"/>.</summary>
/// <param name="Snapshot">The reading, or null when the process could not be read.</param>
/// <param name="Growth">Memory-growth verdict (null without a reading).</param>
/// <param name="FdsNearLimit">Open descriptors above the configured share of the soft limit.</param>
/// <param name="Problem">Why there is no reading (no pid file, process gone), or null.</param>
public sealed record ProcessHealth(ProcessSnapshot? Snapshot, RssGrowth? Growth, bool FdsNearLimit, string? Problem);

/// <summary>
/// Reads Asterisk's process from /proc, publishes the readings, and judges memory growth and descriptor pressure.
/// Keeps the growth window between calls; call it from one loop at a time.
/// </summary>
public sealed class ProcessHealthProbe
{
    private readonly ProcessHealthOptions _options;
    private readonly Func<CancellationToken, Task<int?>> _pid;
    private readonly ProcessHealthMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<ProcessHealthProbe> _logger;
    private readonly ProcReader _reader;
    private readonly RssGrowthDetector _growth;
    private int? _lastPid;
    private bool _warnedLeak;

    /// <summary>Creates a probe; <paramref name="pidProvider"/> null means "read <see cref="ProcessHealthOptions.PidFile"/>".</summary>
    public ProcessHealthProbe(ProcessHealthOptions options, ProcessHealthMetrics metrics, TimeProvider time, ILogger<ProcessHealthProbe> logger,
        Func<CancellationToken, Task<int?>>? pidProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _pid = pidProvider ?? (ct => ReadPidFileAsync(options.PidFile, ct));
        _reader = new ProcReader(options.ProcRoot, options.ClockTicksPerSecond);
        _growth = new RssGrowthDetector(options.LeakWindowSamples, options.LeakMinimumSamples, options.LeakSlopeBytesPerHour, options.LeakMinimumFit);
    }

    /// <summary>Reads a pid file: the first line, a positive integer; null when missing or malformed.</summary>
    public static async Task<int?> ReadPidFileAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Reads, publishes and judges. Never throws for a missing or vanished process; it reports it.</summary>
    public async Task<ProcessHealth> ProbeAsync(CancellationToken cancellationToken)
    {
        var pid = await _pid(cancellationToken).ConfigureAwait(false);
        if (pid is not { } id)
        {
            _metrics.Down();
            return new ProcessHealth(null, null, false, "no Asterisk pid (pid file missing or malformed)");
        }

        ProcessSnapshot snapshot;
        try
        {
            snapshot = await _reader.ReadAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (ProcReadException e)
        {
            _metrics.Down();
            LogMessages.ProcessUnreadable(_logger, id, e.Message);
            return new ProcessHealth(null, null, false, e.Message);
        }

        if (_lastPid != id)
        {
            _growth.Reset();
            _warnedLeak = false;
            _lastPid = id;
        }

        _metrics.Observe(snapshot);
        var growth = _growth.Add(_time.GetUtcNow(), snapshot.ResidentBytes);
        if (growth.Leaking && !_warnedLeak)
        {
            LogMessages.MemoryGrowing(_logger, id, (long)growth.SlopeBytesPerHour, growth.Fit, snapshot.ResidentBytes);
        }

        _warnedLeak = growth.Leaking;
        var nearLimit = snapshot.MaxFds is { } max && max > 0 && snapshot.OpenFds > max * _options.FdWarningRatio;
        if (nearLimit)
        {
            LogMessages.FdsNearLimit(_logger, id, snapshot.OpenFds, snapshot.MaxFds ?? 0);
        }

        return new ProcessHealth(snapshot, growth, nearLimit, null);
    }
}
