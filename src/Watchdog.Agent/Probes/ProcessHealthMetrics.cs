using Prometheus;

namespace Watchdog.Agent.Probes;

/// <summary>
/// <c>asterisk_process_resident_memory_bytes</c>, <c>asterisk_process_cpu_seconds_total</c>, <c>asterisk_process_threads</c>,
/// <c>asterisk_process_open_fds</c>, <c>asterisk_process_max_fds</c>, <c>asterisk_process_up</c>.
/// </summary>
public sealed class ProcessHealthMetrics
{
    private readonly Gauge _rss;
    private readonly Gauge _cpu;
    private readonly Gauge _threads;
    private readonly Gauge _fds;
    private readonly Gauge _maxFds;
    private readonly Gauge _up;

    /// <summary>Creates the metrics in <paramref name="factory"/> (tests pass a factory over their own registry).</summary>
    public ProcessHealthMetrics(IMetricFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _rss = factory.CreateGauge("asterisk_process_resident_memory_bytes", "Resident memory of the Asterisk process.");

        // A gauge set from /proc rather than a counter: after an Asterisk restart it must be able to drop,
        // which Prometheus' rate() reads as a counter reset.
        _cpu = factory.CreateGauge("asterisk_process_cpu_seconds_total", "User and system CPU time of the Asterisk process, in seconds.");
        _threads = factory.CreateGauge("asterisk_process_threads", "Threads of the Asterisk process.");
        _fds = factory.CreateGauge("asterisk_process_open_fds", "Open file descriptors of the Asterisk process.");
        _maxFds = factory.CreateGauge("asterisk_process_max_fds", "Soft limit of open file descriptors of the Asterisk process (-1 unlimited).");
        _up = factory.CreateGauge("asterisk_process_up", "1 when the Asterisk process could be read from /proc.");
    }

    /// <summary>Publishes a reading.</summary>
    public void Observe(ProcessSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        _rss.Set(snapshot.ResidentBytes);
        _cpu.Set(snapshot.CpuSeconds);
        _threads.Set(snapshot.Threads);
        _fds.Set(snapshot.OpenFds);
        _maxFds.Set(snapshot.MaxFds ?? -1);
        _up.Set(1);
    }

    /// <summary>Marks the process unreadable; the last values stay as they were.</summary>
    public void Down() => _up.Set(0);
}
