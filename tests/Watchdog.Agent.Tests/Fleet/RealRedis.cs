using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Watchdog.Agent.Tests.Fleet;

/// <summary>
/// A real <c>redis-server</c> (Debian package) on a free loopback port with a temporary directory and a generated
/// redis.conf: the default user is off, one ACL user limited to the fleet's key prefix, the log kept in an
/// append-only file so a restart loses nothing. Shared with the fleet benchmark.
/// </summary>
internal sealed class RealRedis : IAsyncDisposable
{
    public const string User = "watchdog";
    private readonly string _binary;
    private readonly DirectoryInfo _dir;
    private readonly ConcurrentQueue<string> _log = new();
    private Process? _process;

    private RealRedis(string binary, DirectoryInfo dir, int port, string password)
    {
        _binary = binary;
        _dir = dir;
        Port = port;
        Password = password;
    }

    public int Port { get; }

    public string Password { get; }

    public string Url => $"redis://127.0.0.1:{Port}";

    public string Log => string.Join("\n", _log);

    /// <summary>The binary on PATH or in /usr/bin, or null.</summary>
    public static string? FindBinary() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/usr/sbin")
            .Select(d => Path.Combine(d, "redis-server"))
            .FirstOrDefault(File.Exists);

    /// <summary>Writes the config and starts the server; returns once it accepts connections.</summary>
    public static async Task<RealRedis> StartAsync(string binary, string keyPrefix = "watchdog:fleet", int? port = null, string? password = null)
    {
        var dir = Directory.CreateTempSubdirectory("watchdog-redis-");
        password ??= Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var redis = new RealRedis(binary, dir, port ?? FreeLoopbackPort(), password);
        // The fleet's ACL user: its own keys and channel only, no admin or dangerous commands; the default user is off.
        File.WriteAllText(Path.Combine(dir.FullName, "redis.conf"), $"""
            bind 127.0.0.1
            port {redis.Port}
            protected-mode yes
            dir {dir.FullName}
            save ""
            appendonly yes
            appendfsync always
            logfile ""
            user default off
            user {User} on >{password} resetkeys ~{keyPrefix}:* resetchannels &{keyPrefix}:* -@all +@connection +@read +@write +@stream +@pubsub -@dangerous +ping +info

            """);
        await redis.RunAsync();
        return redis;
    }

    /// <summary>Kills the server (no shutdown save: the append-only file is all there is).</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>Starts it again on the same port and directory.</summary>
    public Task RestartAsync() => RunAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        _dir.Delete(recursive: true);
    }

    private async Task RunAsync()
    {
        _process?.Dispose();
        var start = new ProcessStartInfo(_binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(_dir.FullName, "redis.conf"));
        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _log.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _log.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("redis-server exited:\n" + Log);
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port, deadline.Token);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, deadline.Token);
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
