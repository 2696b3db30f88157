using System.Globalization;

namespace Watchdog.Agent.Probes;

/// <summary>One reading of a process from /proc.</summary>
/// <param name="Pid">The process id read.</param>
/// <param name="ResidentBytes">VmRSS from status.</param>
/// <param name="CpuSeconds">utime + stime from stat, in seconds.</param>
/// <param name="Threads">Threads from status.</param>
/// <param name="OpenFds">Entries in fd/.</param>
/// <param name="MaxFds">Soft "Max open files" from limits; null when unlimited.</param>
public sealed record ProcessSnapshot(int Pid, long ResidentBytes, double CpuSeconds, int Threads, int OpenFds, long? MaxFds);

/// <summary>Why a process could not be read.</summary>
public sealed class ProcReadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Reads <see cref="ProcessSnapshot"/>s from a proc tree (real <c>/proc</c> or a test's fake one).</summary>
public sealed class ProcReader(string procRoot, int clockTicksPerSecond)
{
    /// <summary>Reads status, stat, fd/ and limits of <paramref name="pid"/>.</summary>
    /// <exception cref="ProcReadException">The process is gone or a file is malformed.</exception>
    public async Task<ProcessSnapshot> ReadAsync(int pid, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture));
        try
        {
            var status = await File.ReadAllTextAsync(Path.Combine(directory, "status"), cancellationToken).ConfigureAwait(false);
            var stat = await File.ReadAllTextAsync(Path.Combine(directory, "stat"), cancellationToken).ConfigureAwait(false);
            var limits = await File.ReadAllTextAsync(Path.Combine(directory, "limits"), cancellationToken).ConfigureAwait(false);
            var fds = Directory.EnumerateFileSystemEntries(Path.Combine(directory, "fd")).Count();
            return new ProcessSnapshot(
                pid,
                StatusKilobytes(status, "VmRSS:") * 1024,
                CpuTicks(stat) / (double)clockTicksPerSecond,
                (int)StatusNumber(status, "Threads:"),
                fds,
                MaxOpenFiles(limits));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProcReadException($"cannot read {directory}: {e.Message}", e);
        }
    }

    /// <summary>utime + stime (fields 14 and 15) of a stat line; the command name may contain spaces and parentheses.</summary>
    public static long CpuTicks(string stat)
    {
        ArgumentNullException.ThrowIfNull(stat);
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            throw new ProcReadException("stat has no command name");
        }

        // After ") " come the fields from 3 (state) on: utime is field 14, stime field 15.
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 13
            || !long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var utime)
            || !long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var stime))
        {
            throw new ProcReadException("stat has no utime/stime");
        }

        return utime + stime;
    }

    /// <summary>The soft "Max open files" limit; null when unlimited.</summary>
    public static long? MaxOpenFiles(string limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        foreach (var line in limits.Split('\n'))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                continue;
            }

            var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (soft == "unlimited")
            {
                return null;
            }

            if (long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }

        throw new ProcReadException("limits has no 'Max open files' line");
    }

    private static long StatusKilobytes(string status, string key) => StatusNumber(status, key);

    private static long StatusNumber(string status, string key)
    {
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                var value = line[key.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
                if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    return number;
                }
            }
        }

        throw new ProcReadException($"status has no '{key}' line");
    }
}
