using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Watchdog.Agent.Tests.Diagnosis;

/// <summary>
/// A real dnsmasq on 127.0.0.1 and a free port, answering only from its command line (no resolv.conf, no hosts file,
/// no upstream). Started per test and killed on dispose.
/// </summary>
internal sealed class Dnsmasq : IAsyncDisposable
{
    private static readonly string[] Candidates = ["/usr/sbin/dnsmasq", "/sbin/dnsmasq", "/usr/bin/dnsmasq", "/usr/local/sbin/dnsmasq"];
    private readonly Process _process;
    private readonly string _directory;

    private Dnsmasq(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    public string Server => $"127.0.0.1:{Port}";

    /// <summary>The dnsmasq executable, or null when it is not installed.</summary>
    public static string? Executable =>
        Candidates.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(d => Path.Combine(d, "dnsmasq")))
            .FirstOrDefault(File.Exists);

    public static bool RequiredByCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <remarks><c>--local=/test/</c> makes names under .test without a record answer NXDOMAIN/NODATA, as an authoritative
    /// server would, instead of REFUSED (there is no upstream to forward to).</remarks>
    /// <summary>Starts dnsmasq with <paramref name="records"/> (e.g. <c>--srv-host=...</c>) on <paramref name="port"/> or a free one.</summary>
    public static async Task<Dnsmasq> StartAsync(IReadOnlyList<string> records, CancellationToken cancellationToken, int? port = null)
    {
        var executable = Executable
            ?? throw new InvalidOperationException("dnsmasq is not installed; CI must run: apt-get install -y dnsmasq-base");
        var chosen = port ?? FreePort();
        var directory = Directory.CreateTempSubdirectory("watchdog-dnsmasq-").FullName;
        var info = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in new[]
                 {
                     $"--port={chosen}", "--listen-address=127.0.0.1", "--no-daemon", "--no-resolv", "--no-hosts", "--bind-interfaces",
                     "--conf-file=/dev/null", "--local=/test/", $"--pid-file={Path.Combine(directory, "dnsmasq.pid")}", "--log-queries=extra",
                 }.Concat(records))
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                started.TrySetException(new InvalidOperationException("dnsmasq exited: " + string.Join(" / ", log)));
                return;
            }

            log.Enqueue(e.Data);
            if (e.Data.Contains("started, version", StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var instance = new Dnsmasq(process, chosen, directory);
        try
        {
            await started.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            await instance.DisposeAsync();
            throw;
        }

        return instance;
    }

    private static int FreePort()
    {
        // dnsmasq binds udp and tcp on the same port; ask for a udp port and check tcp is free too.
        for (var attempt = 0; ; attempt++)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            try
            {
                var tcp = new TcpListener(IPAddress.Loopback, port);
                tcp.Start();
                tcp.Stop();
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
                // taken for tcp; try another
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // never started or already reaped
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>
/// A fact that needs dnsmasq: skipped when it is missing, unless CI=true — then it runs and fails with the install hint.
/// </summary>
internal sealed class DnsmasqFactAttribute : FactAttribute
{
    public DnsmasqFactAttribute()
    {
        if (Dnsmasq.Executable is null && !Dnsmasq.RequiredByCi)
        {
            Skip = "dnsmasq is not installed (apt-get install -y dnsmasq-base); required when CI=true";
        }
    }
}
