using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Watchdog.Agent.Diagnosis;
using Watchdog.Agent.Probes;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Tests.Diagnosis;

public sealed class ProcessHealthProbeTests
{
    private static ProcessHealthProbe Probe(FakeProcTree proc, MetricsText metrics, TimeProvider time, Func<CancellationToken, Task<int?>>? pid,
        ProcessHealthOptions? options = null) =>
        new((options ?? new ProcessHealthOptions()) with { ProcRoot = proc.Root },
            new ProcessHealthMetrics(metrics.Factory), time, new FakeLogger<ProcessHealthProbe>(), pid);

    [Fact(Timeout = 10_000)]
    public async Task Reading_from_a_fake_proc_tree_exports_memory_cpu_threads_and_descriptors()
    {
        using var proc = new FakeProcTree();
        proc.Write(4242, rssKb: 204_800, utime: 1500, stime: 500, threads: 57, fds: 12, maxOpenFiles: "4096", comm: "asterisk (main) x");
        var metrics = new MetricsText();
        var probe = Probe(proc, metrics, new FakeTimeProvider(), null,
            new ProcessHealthOptions { PidFile = proc.WritePidFile("4242\n") });

        var health = await probe.ProbeAsync(CancellationToken.None);

        Assert.Equal(new ProcessSnapshot(4242, 204_800L * 1024, 20.0, 57, 12, 4096), health.Snapshot);
        Assert.False(health.FdsNearLimit);
        Assert.Equal(204_800d * 1024, await metrics.ValueAsync("asterisk_process_resident_memory_bytes"));
        Assert.Equal(20d, await metrics.ValueAsync("asterisk_process_cpu_seconds_total"));
        Assert.Equal(57d, await metrics.ValueAsync("asterisk_process_threads"));
        Assert.Equal(12d, await metrics.ValueAsync("asterisk_process_open_fds"));
        Assert.Equal(4096d, await metrics.ValueAsync("asterisk_process_max_fds"));
        Assert.Equal(1d, await metrics.ValueAsync("asterisk_process_up"));
    }

    [Fact(Timeout = 10_000)]
    public async Task Descriptors_above_eighty_percent_of_the_soft_limit_are_near_the_limit()
    {
        using var proc = new FakeProcTree();
        proc.Write(7, rssKb: 1000, utime: 1, stime: 1, threads: 1, fds: 85, maxOpenFiles: "100");
        var probe = Probe(proc, new MetricsText(), new FakeTimeProvider(), _ => Task.FromResult<int?>(7));

        var health = await probe.ProbeAsync(CancellationToken.None);

        Assert.True(health.FdsNearLimit);
    }

    [Fact(Timeout = 10_000)]
    public async Task Unlimited_open_files_is_never_near_the_limit_and_exports_minus_one()
    {
        using var proc = new FakeProcTree();
        proc.Write(7, rssKb: 1000, utime: 1, stime: 1, threads: 1, fds: 5, maxOpenFiles: "unlimited");
        var metrics = new MetricsText();

        var health = await Probe(proc, metrics, new FakeTimeProvider(), _ => Task.FromResult<int?>(7)).ProbeAsync(CancellationToken.None);

        Assert.Null(health.Snapshot?.MaxFds);
        Assert.False(health.FdsNearLimit);
        Assert.Equal(-1d, await metrics.ValueAsync("asterisk_process_max_fds"));
    }

    [Fact(Timeout = 10_000)]
    public async Task Steady_memory_growth_over_the_window_is_reported_as_a_leak()
    {
        using var proc = new FakeProcTree();
        var time = new FakeTimeProvider();
        var probe = Probe(proc, new MetricsText(), time, _ => Task.FromResult<int?>(9));
        ProcessHealth? last = null;
        for (var i = 0; i < 12; i++)
        {
            // +10 MiB every 5 minutes = 120 MiB/hour, above the 50 MiB/hour default.
            proc.Write(9, rssKb: 100_000 + (i * 10_240), utime: i, stime: 0, threads: 10, fds: 3);
            last = await probe.ProbeAsync(CancellationToken.None);
            time.Advance(TimeSpan.FromMinutes(5));
        }

        Assert.True(last!.Growth!.Leaking);
        Assert.InRange(last.Growth.SlopeBytesPerHour, 119 * 1024 * 1024, 121 * 1024 * 1024);
    }

    [Fact]
    public void Flat_memory_with_one_spike_is_not_a_leak()
    {
        var detector = new RssGrowthDetector(window: 60, minimumSamples: 10, slopeBytesPerHour: 50 * 1024 * 1024, minimumFit: 0.8);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        RssGrowth verdict = new(0, 0, 0, false);
        for (var i = 0; i < 20; i++)
        {
            var bytes = 100L * 1024 * 1024 + (i % 2 == 0 ? 0 : 2 * 1024 * 1024) + (i == 19 ? 400L * 1024 * 1024 : 0);
            verdict = detector.Add(start.AddMinutes(i * 5), bytes);
        }

        Assert.False(verdict.Leaking);
    }

    [Fact]
    public void Too_few_samples_give_no_verdict()
    {
        var detector = new RssGrowthDetector(window: 60, minimumSamples: 10, slopeBytesPerHour: 1, minimumFit: 0.8);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var verdict = detector.Add(start, 1);
        verdict = detector.Add(start.AddHours(1), 1_000_000_000);

        Assert.Equal(2, verdict.Samples);
        Assert.False(verdict.Leaking);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_restarted_asterisk_starts_a_new_growth_window()
    {
        using var proc = new FakeProcTree();
        var time = new FakeTimeProvider();
        var pid = 100;
        var probe = Probe(proc, new MetricsText(), time, _ => Task.FromResult<int?>(pid));
        for (var i = 0; i < 12; i++)
        {
            proc.Write(pid, rssKb: 100_000 + (i * 10_240), utime: i, stime: 0, threads: 10, fds: 3);
            await probe.ProbeAsync(CancellationToken.None);
            time.Advance(TimeSpan.FromMinutes(5));
        }

        pid = 200;
        proc.Write(pid, rssKb: 50_000, utime: 0, stime: 0, threads: 10, fds: 3);
        var health = await probe.ProbeAsync(CancellationToken.None);

        Assert.Equal(1, health.Growth!.Samples);
        Assert.False(health.Growth.Leaking);
    }

    [Fact(Timeout = 10_000)]
    public async Task Missing_pid_file_or_vanished_process_is_reported_and_marks_the_process_down()
    {
        using var proc = new FakeProcTree();
        var metrics = new MetricsText();
        var noPidFile = Probe(proc, metrics, new FakeTimeProvider(), null,
            new ProcessHealthOptions { PidFile = Path.Combine(proc.Root, "missing.pid") });

        var health = await noPidFile.ProbeAsync(CancellationToken.None);

        Assert.Null(health.Snapshot);
        Assert.Contains("pid", health.Problem, StringComparison.Ordinal);
        Assert.Equal(0d, await metrics.ValueAsync("asterisk_process_up"));

        var gone = await Probe(proc, new MetricsText(), new FakeTimeProvider(), _ => Task.FromResult<int?>(31337)).ProbeAsync(CancellationToken.None);
        Assert.Null(gone.Snapshot);
        Assert.Contains("31337", gone.Problem, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task Malformed_pid_file_gives_no_pid()
    {
        using var proc = new FakeProcTree();

        Assert.Null(await ProcessHealthProbe.ReadPidFileAsync(proc.WritePidFile("asterisk\n"), CancellationToken.None));
        Assert.Equal(123, await ProcessHealthProbe.ReadPidFileAsync(proc.WritePidFile("123\n"), CancellationToken.None));
    }

    [Fact(Timeout = 10_000)]
    public async Task Real_proc_of_the_test_process_reads_plausible_values()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var reader = new ProcReader("/proc", 100);

        var snapshot = await reader.ReadAsync(Environment.ProcessId, CancellationToken.None);

        Assert.Equal(Environment.ProcessId, snapshot.Pid);
        Assert.InRange(snapshot.ResidentBytes, 1024 * 1024, long.MaxValue);
        Assert.InRange(snapshot.Threads, 2, 10_000);
        Assert.InRange(snapshot.OpenFds, 3, 100_000);
        Assert.True(snapshot.MaxFds is null or > 0);
        Assert.True(snapshot.CpuSeconds >= 0);
    }

    [Fact]
    public void Options_validation_reports_every_problem()
    {
        var problems = new ProcessHealthOptions
        {
            ProcRoot = "proc", PidFile = "", ClockTicksPerSecond = 0, LeakMinimumSamples = 2, LeakSlopeBytesPerHour = 0, LeakMinimumFit = 2,
            FdWarningRatio = 0,
        }.Validate();

        Assert.Equal(7, problems.Count);
        Assert.Empty(new ProcessHealthOptions().Validate());
    }
}
