using System.Globalization;

namespace Watchdog.Benchmarks.Cost;

/// <summary>One reading of this process's own cost, from the kernel and the GC.</summary>
internal readonly record struct ProcessSample(
    TimeSpan Cpu, long StatTicks, long RssBytes, long GcHeapBytes, long AllocatedBytes, int Threads, long Timestamp)
{
    /// <summary>
    /// CPU from getrusage (<see cref="Environment.CpuUsage"/>, nanosecond resolution) and, to cross-check,
    /// utime+stime from /proc/self/stat (clock ticks, 10 ms: too coarse alone for 0.1 % over 20 s).
    /// </summary>
    public static ProcessSample Take()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        // The command name (field 2) may hold spaces; fields after it start past the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        long rss = 0;
        var threads = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kilobytes(line) * 1024;
            else if (line.StartsWith("Threads:", StringComparison.Ordinal)) threads = int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
        }
        return new ProcessSample(Environment.CpuUsage.TotalTime, ticks, rss, GC.GetGCMemoryInfo().HeapSizeBytes,
            GC.GetTotalAllocatedBytes(precise: false), threads, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
