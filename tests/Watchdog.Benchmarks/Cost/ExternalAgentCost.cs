using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Watchdog.Benchmarks.Cost;

/// <summary>
/// <c>cost --agent PATH</c>: the same load and measurement as <see cref="CostBenchmark"/>, but the agent is an
/// executable started here (<c>watchdog run --config …</c>: a Native AOT or self-contained publish, or
/// <c>watchdog.dll</c> under <c>dotnet</c>) and measured from outside through <c>/proc/PID</c>. Its settings are
/// those of <see cref="CostAgent"/> (defaults, dry-run, logs and ban state in a temporary directory), written as
/// a configuration file. The agent serves no GC metrics (its registry has only its own), so the GC heap and
/// allocations are reported as 0.
/// </summary>
internal static class ExternalAgentCost
{
    public static async Task<int> RunAsync(string agent, int rate, int seconds, int warmup, bool idle)
    {
        agent = Path.GetFullPath(agent);
        if (!File.Exists(agent)) throw new ArgumentException($"cost: --agent {agent}: no such file");
        var work = Directory.CreateTempSubdirectory("watchdog-cost-");
        Process? child = null;
        Process? process = null;
        try
        {
            int amiPort;
            if (idle)
            {
                amiPort = CostBenchmark.FreePort();
            }
            else
            {
                child = CostBenchmark.StartSimulator(rate);
                var hello = await child.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("cost: the simulator did not start");
                amiPort = int.Parse(hello["port=".Length..], CultureInfo.InvariantCulture);
            }
            var url = $"http://127.0.0.1:{CostBenchmark.FreePort()}";
            var config = WriteConfig(work.FullName, amiPort, url);

            process = Start(agent, config, Path.Combine(work.FullName, "agent.log"));
            await WaitForApiAsync(url, process);
            if (child is not null) await child.StandardInput.WriteLineAsync($"url={url}");
            Console.WriteLine(idle
                ? $"cost: external agent {agent}, idle, AMI down (nothing listens on 127.0.0.1:{amiPort}); warm-up {warmup} s, measuring {seconds} s; {Environment.ProcessorCount} cores"
                : $"cost: external agent {agent}, {rate} events/s from a child process; warm-up {warmup} s, measuring {seconds} s; {Environment.ProcessorCount} cores");
            Console.WriteLine($"cost: agent pid {process.Id}, API at {url}");

            await Task.Delay(TimeSpan.FromSeconds(warmup));
            var eventsBefore = await CostBenchmark.EventsReceivedAsync(url);
            var before = ExternalSample.Of(process.Id);
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var after = ExternalSample.Of(process.Id);
            var events = await CostBenchmark.EventsReceivedAsync(url) - eventsBefore;

            if (child is not null)
            {
                await child.StandardInput.WriteLineAsync("stop");
                Console.WriteLine($"cost: simulator (not counted): {await child.StandardOutput.ReadLineAsync()}");
            }
            var wall = Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds;
            var cpu = (after.Ticks - before.Ticks) / (double)ExternalSample.TicksPerSecond / wall * 100;
            Console.WriteLine($"cost: {events} events received in {wall:0.0} s ({events / wall:0}/s); utime+stime {after.Ticks - before.Ticks} ticks; " +
                $"rss {CostBenchmark.Mb(before.RssBytes):0.0} -> {CostBenchmark.Mb(after.RssBytes):0.0} MB");
            CostBenchmark.WarnIfShort(events, rate, wall, idle);
            Console.WriteLine("cost: gc_heap_mb and alloc_bytes_per_event are 0: an external agent is measured from outside, and its /metrics has no GC series");
            Console.WriteLine(CostBenchmark.ContractLine(rate, cpu, after.RssBytes, gcHeapBytes: 0, allocBytesPerEvent: 0, after.Threads));
            return 0;
        }
        finally
        {
            if (process is { HasExited: false })
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
            process?.Dispose();
            if (child is { HasExited: false }) child.Kill();
            child?.Dispose();
            work.Delete(recursive: true);
        }
    }

    /// <summary>The settings of <see cref="CostAgent"/> as a configuration file of <c>watchdog run</c>.</summary>
    private static string WriteConfig(string work, int amiPort, string url)
    {
        var messages = Path.Combine(work, "messages");
        var authLog = Path.Combine(work, "auth.log");
        File.WriteAllText(messages, "");
        File.WriteAllText(authLog, "");
        var config = new Dictionary<string, object>
        {
            ["Ami"] = new Dictionary<string, object> { ["Host"] = "127.0.0.1", ["Port"] = amiPort, ["Secret"] = "watchdog-secret" },
            ["Api"] = new Dictionary<string, object> { ["ListenUrl"] = url },
            ["Actuators"] = new Dictionary<string, object> { ["DryRun"] = true },
            ["Healing"] = new Dictionary<string, object> { ["AsteriskLogPath"] = messages },
            ["Security"] = new Dictionary<string, object>
            {
                ["AuthLogPath"] = authLog,
                ["Bans"] = new Dictionary<string, object> { ["StatePath"] = Path.Combine(work, "bans.json") },
            },
        };
        var path = Path.Combine(work, "watchdog.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return path;
    }

    private static Process Start(string agent, string config, string log)
    {
        var dll = agent.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var info = new ProcessStartInfo(dll ? "dotnet" : agent) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (dll) info.ArgumentList.Add(agent);
        foreach (var a in new[] { "run", "--config", config }) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"cost: cannot start {agent}");
        var writer = new StreamWriter(log) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForApiAsync(string url, Process process)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited) throw new InvalidOperationException($"cost: the agent exited with {process.ExitCode} before its API answered");
            try
            {
                using var response = await http.GetAsync("/metrics");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"cost: the agent's API at {url} did not answer within 60 s");
    }
}

/// <summary>One reading of another process's cost from <c>/proc/PID</c>: utime+stime in clock ticks, VmRSS, threads.</summary>
internal readonly record struct ExternalSample(long Ticks, long RssBytes, int Threads, long Timestamp)
{
    /// <summary>USER_HZ: 100 on Linux.</summary>
    public const int TicksPerSecond = 100;

    public static ExternalSample Of(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        long rss = 0;
        var threads = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                rss = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                threads = int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
        }
        return new ExternalSample(ticks, rss, threads, Stopwatch.GetTimestamp());
    }
}
