namespace Watchdog.Agent.Probes;

/// <summary>Settings of <see cref="ProcessHealthProbe"/>.</summary>
public sealed record ProcessHealthOptions
{
    /// <summary>Root of the proc file system (tests write a fake tree and point here).</summary>
    public string ProcRoot { get; set; } = "/proc";

    /// <summary>Asterisk's pid file, used when no pid provider is given.</summary>
    public string PidFile { get; set; } = "/var/run/asterisk/asterisk.pid";

    /// <summary>Clock ticks per second of /proc/&lt;pid&gt;/stat times (USER_HZ; 100 on every mainstream Linux).</summary>
    public int ClockTicksPerSecond { get; set; } = 100;

    /// <summary>Samples kept for the memory-growth regression.</summary>
    public int LeakWindowSamples { get; set; } = 60;

    /// <summary>Fewest samples before growth is judged.</summary>
    public int LeakMinimumSamples { get; set; } = 10;

    /// <summary>Resident-memory growth (bytes per hour, least-squares slope over the window) that counts as a leak.</summary>
    public double LeakSlopeBytesPerHour { get; set; } = 50 * 1024 * 1024;

    /// <summary>How well a straight line must fit (R², 0..1) so spikes are not called leaks.</summary>
    public double LeakMinimumFit { get; set; } = 0.8;

    /// <summary>Share of the open-files soft limit above which descriptors are "near the limit".</summary>
    public double FdWarningRatio { get; set; } = 0.8;

    /// <summary>Every problem with these settings (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ProcRoot) || !Path.IsPathFullyQualified(ProcRoot))
        {
            problems.Add($"{nameof(ProcRoot)} must be an absolute path (was '{ProcRoot}').");
        }

        if (string.IsNullOrWhiteSpace(PidFile) || !Path.IsPathFullyQualified(PidFile))
        {
            problems.Add($"{nameof(PidFile)} must be an absolute path (was '{PidFile}').");
        }

        if (ClockTicksPerSecond is < 1 or > 100_000)
        {
            problems.Add($"{nameof(ClockTicksPerSecond)} must be 1..100000 (was {ClockTicksPerSecond}).");
        }

        if (LeakMinimumSamples < 3 || LeakWindowSamples < LeakMinimumSamples || LeakWindowSamples > 10_000)
        {
            problems.Add($"{nameof(LeakMinimumSamples)} must be at least 3 and at most {nameof(LeakWindowSamples)} (≤ 10000) (were {LeakMinimumSamples} and {LeakWindowSamples}).");
        }

        if (LeakSlopeBytesPerHour <= 0 || double.IsNaN(LeakSlopeBytesPerHour))
        {
            problems.Add($"{nameof(LeakSlopeBytesPerHour)} must be positive (was {LeakSlopeBytesPerHour}).");
        }

        if (LeakMinimumFit is < 0 or > 1 || double.IsNaN(LeakMinimumFit))
        {
            problems.Add($"{nameof(LeakMinimumFit)} must be between 0 and 1 (was {LeakMinimumFit}).");
        }

        if (FdWarningRatio is <= 0 or > 1 || double.IsNaN(FdWarningRatio))
        {
            problems.Add($"{nameof(FdWarningRatio)} must be in (0, 1] (was {FdWarningRatio}).");
        }

        return problems;
    }
}
