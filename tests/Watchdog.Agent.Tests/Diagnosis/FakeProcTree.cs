using System.Globalization;

namespace Watchdog.Agent.Tests.Diagnosis;

/// <summary>A /proc look-alike in a temp directory: status, stat, limits and fd/ of chosen pids.</summary>
internal sealed class FakeProcTree : IDisposable
{
    public FakeProcTree()
    {
        Root = Path.Combine(Path.GetTempPath(), "watchdog-proc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public void Write(int pid, long rssKb, long utime, long stime, int threads, int fds, string maxOpenFiles = "1024", string comm = "asterisk")
    {
        var dir = Path.Combine(Root, pid.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "status"),
            $"Name:\t{comm}\nState:\tS (sleeping)\nPid:\t{pid}\nVmPeak:\t  999999 kB\nVmRSS:\t  {rssKb} kB\nThreads:\t{threads}\n");
        // Fields after the command name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        File.WriteAllText(Path.Combine(dir, "stat"),
            $"{pid} ({comm}) S 1 {pid} {pid} 0 -1 4194560 1000 0 0 0 {utime} {stime} 0 0 20 0 {threads} 0 100 0 0\n");
        File.WriteAllText(Path.Combine(dir, "limits"),
            "Limit                     Soft Limit           Hard Limit           Units     \n"
            + "Max cpu time              unlimited            unlimited            seconds   \n"
            + $"Max open files            {maxOpenFiles,-20} 1048576              files     \n");
        var fdDir = Path.Combine(dir, "fd");
        if (Directory.Exists(fdDir))
        {
            Directory.Delete(fdDir, recursive: true);
        }

        Directory.CreateDirectory(fdDir);
        for (var i = 0; i < fds; i++)
        {
            File.WriteAllText(Path.Combine(fdDir, i.ToString(CultureInfo.InvariantCulture)), "");
        }
    }

    public string WritePidFile(string content)
    {
        var path = Path.Combine(Root, "asterisk.pid");
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
