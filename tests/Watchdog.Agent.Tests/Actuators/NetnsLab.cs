using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Watchdog.Agent.Tests.Actuators;

/// <summary>
/// Two test hosts made of network namespaces joined by a veth pair: <c>PBX</c> (198.18.N.1, fd00:5744:N::1) and
/// <c>attacker</c> (198.18.N.2, fd00:5744:N::2). The PBX host also has a mount namespace of its own, held open by a
/// sleeping process, in which <c>/etc/ufw</c>, <c>/lib/ufw</c> and <c>/etc/default/ufw</c> are private copies and
/// <c>/run</c> (ufw's lock) is a private tmpfs, so ufw and iptables there change nothing of the host's. Names are
/// unique per run; everything is removed on dispose, also after a failure.
/// </summary>
internal sealed class NetnsLab : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private Process? _holder;

    private NetnsLab(string id, int subnet)
    {
        Id = id;
        PbxNs = "wdp-" + id;
        AttackerNs = "wda-" + id;
        PbxV4 = $"198.18.{subnet}.1";
        AttackerV4 = $"198.18.{subnet}.2";
        PbxV6 = $"fd00:5744:{subnet:x}::1";
        AttackerV6 = $"fd00:5744:{subnet:x}::2";
        Work = Directory.CreateTempSubdirectory("watchdog-netns-").FullName;
    }

    public string Id { get; }
    public string PbxNs { get; }
    public string AttackerNs { get; }
    public string PbxV4 { get; }
    public string AttackerV4 { get; }
    public string PbxV6 { get; }
    public string AttackerV6 { get; }

    /// <summary>A private directory of the test (config, logs, state, the ufw copies).</summary>
    public string Work { get; }

    /// <summary>Why the lab cannot be built here, or null when it can be tried (root, ip, ufw, nsenter, python3).</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux()) return "network namespaces need Linux";
        if (Environment.UserName != "root") return "network namespaces and ufw need root";
        foreach (var tool in new[] { "/usr/sbin/ufw", "/usr/bin/nsenter", "/usr/bin/unshare", "/usr/bin/python3" })
        {
            if (!File.Exists(tool)) return $"{tool} is missing (apt-get install ufw iproute2 iptables util-linux)";
        }
        return Which("ip") is null ? "ip is missing (apt-get install iproute2)" : null;
    }

    /// <summary>True when CI=true: the lab must run there, so a missing piece fails the test instead of skipping it.</summary>
    public static bool RequiredByCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static async Task<NetnsLab> CreateAsync(CancellationToken ct)
    {
        var lab = new NetnsLab(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)), RandomNumberGenerator.GetInt32(1, 255));
        try
        {
            await lab.BuildAsync(ct);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private async Task BuildAsync(CancellationToken ct)
    {
        string vp = "wv" + Id + "p", va = "wv" + Id + "a";
        await MustAsync(ct, "ip", "netns", "add", PbxNs);
        await MustAsync(ct, "ip", "netns", "add", AttackerNs);
        await MustAsync(ct, "ip", "link", "add", vp, "netns", PbxNs, "type", "veth", "peer", "name", va, "netns", AttackerNs);
        foreach (var (ns, dev, v4, v6) in new[] { (PbxNs, vp, PbxV4, PbxV6), (AttackerNs, va, AttackerV4, AttackerV6) })
        {
            await MustAsync(ct, "ip", "-n", ns, "addr", "add", v4 + "/24", "dev", dev);
            await MustAsync(ct, "ip", "-n", ns, "addr", "add", v6 + "/64", "dev", dev, "nodad");
            await MustAsync(ct, "ip", "-n", ns, "link", "set", "lo", "up");
            await MustAsync(ct, "ip", "-n", ns, "link", "set", dev, "up");
        }

        // Private copies of what ufw reads and writes. No sysctl file and no modules: both would reach past the namespace.
        var etc = Path.Combine(Work, "etc-ufw");
        CopyDirectory("/etc/ufw", etc);
        CopyDirectory("/lib/ufw", Path.Combine(Work, "lib-ufw"));
        File.WriteAllText(Path.Combine(etc, "ufw.conf"), "ENABLED=no\nLOGLEVEL=off\n");
        File.WriteAllText(Path.Combine(etc, "sysctl-none.conf"), "");
        File.WriteAllText(Path.Combine(Work, "default-ufw"), """
            IPV6=yes
            DEFAULT_INPUT_POLICY="DROP"
            DEFAULT_OUTPUT_POLICY="ACCEPT"
            DEFAULT_FORWARD_POLICY="DROP"
            DEFAULT_APPLICATION_POLICY="SKIP"
            MANAGE_BUILTINS=no
            IPT_SYSCTL=/etc/ufw/sysctl-none.conf
            IPT_MODULES=""

            """);
        var script = $"mount --bind '{etc}' /etc/ufw && mount --bind '{Work}/lib-ufw' /lib/ufw && " +
                     $"mount --bind '{Work}/default-ufw' /etc/default/ufw && mount -t tmpfs -o mode=0755 lab-run /run && " +
                     "echo ready && exec sleep 3600";
        _holder = Start("ip", ["netns", "exec", PbxNs, "unshare", "--mount", "--propagation", "private", "sh", "-c", script], null);
        var ready = await _holder.StandardOutput.ReadLineAsync(ct);
        if (ready != "ready")
        {
            throw new InvalidOperationException($"the PBX mount namespace did not come up: {await _holder.StandardError.ReadToEndAsync(ct)}");
        }

        // Every ufw and iptables call goes through nsenter to this process: it must not be in the host's namespaces.
        foreach (var kind in new[] { "net", "mnt" })
        {
            var mine = new FileInfo($"/proc/{_holder.Id}/ns/{kind}").LinkTarget;
            if (mine is null || mine == new FileInfo($"/proc/self/ns/{kind}").LinkTarget)
            {
                throw new InvalidOperationException($"the PBX holder (pid {_holder.Id}) is not in a {kind} namespace of its own; refusing to run ufw");
            }
        }
    }

    /// <summary>Runs a command inside the PBX host (its network and mount namespaces) and waits for it.</summary>
    public Task<RunResult> PbxAsync(CancellationToken ct, params string[] command) => RunAsync("nsenter", [.. PbxPrefix, .. command], ct);

    /// <summary>Starts a long-running command inside the PBX host; it is killed on dispose.</summary>
    public Process StartInPbx(string[] command, string? logFile) => Track(Start("nsenter", [.. PbxPrefix, .. command], logFile));

    // --wd: a process entering a mount namespace starts in its root, and the agent's host would watch "/" for appsettings.json.
    private string[] PbxPrefix => ["--target", _holder!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--mount", "--net", "--wd=" + Work, "--"];


    /// <summary>True when the attacker host completes a TCP handshake with <paramref name="host"/>:<paramref name="port"/> within 2 s.</summary>
    public async Task<bool> AttackerConnectsAsync(string host, int port, CancellationToken ct) =>
        (await RunAsync("ip", ["netns", "exec", AttackerNs, "/usr/bin/python3", "-c",
            $"import socket; socket.create_connection(('{host}', {port}), timeout=2).close()"], ct)).ExitCode == 0;

    /// <summary>Runs a process on the host and waits (for <c>iptables -S</c> of the host, and the lab's own set-up).</summary>
    public static async Task<RunResult> RunAsync(string file, string[] args, CancellationToken ct)
    {
        using var process = Start(file, args, null);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new RunResult(process.ExitCode, await stdout, await stderr);
    }

    private static async Task MustAsync(CancellationToken ct, string file, params string[] args)
    {
        var result = await RunAsync(file, args, ct);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {result.ExitCode}: {result.Error}");
        }
    }

    private Process Track(Process process)
    {
        lock (_processes) _processes.Add(process);
        return process;
    }

    private static Process Start(string file, string[] args, string? logFile)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        if (logFile is not null)
        {
            // Kept for the failure message; the reads also keep the pipes from filling up.
            _ = CopyAsync(process.StandardOutput, logFile);
            _ = CopyAsync(process.StandardError, logFile);
        }
        return process;
    }

    private static async Task CopyAsync(StreamReader reader, string file)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            await AppendAsync(file, line);
        }
    }

    private static readonly SemaphoreSlim LogGate = new(1, 1);

    private static async Task AppendAsync(string file, string line)
    {
        await LogGate.WaitAsync();
        try
        {
            await File.AppendAllTextAsync(file, line + "\n", Encoding.UTF8);
        }
        finally
        {
            LogGate.Release();
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string? Which(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':')
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    public async ValueTask DisposeAsync()
    {
        List<Process> processes;
        lock (_processes) processes = [.. _processes];
        if (_holder is not null) processes.Add(_holder);
        foreach (var process in processes)
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            }
            catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
            process.Dispose();
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        foreach (var ns in new[] { PbxNs, AttackerNs })
        {
            // Deleting a namespace removes its end of the veth pair, and with it the other end.
            await RunAsync("ip", ["netns", "del", ns], cts.Token);
        }
        Directory.Delete(Work, recursive: true);
    }
}

/// <summary>Exit code and output of one command.</summary>
internal sealed record RunResult(int ExitCode, string Output, string Error);
