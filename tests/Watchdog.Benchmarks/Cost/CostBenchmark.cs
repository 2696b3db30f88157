using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Watchdog.Benchmarks.Cost;

/// <summary>
/// What the agent costs the box it guards. This process is the agent (built as <c>watchdog run</c>
/// builds it, see <see cref="CostAgent"/>); the simulated Asterisk and the Prometheus scrape run in a
/// child process (<see cref="CostSimulator"/>), so everything measured here — CPU from getrusage and
/// /proc/self/stat, VmRSS, GC heap, allocations, threads — is the agent's own, apart from this
/// harness's idle main thread. <c>--idle</c> points the agent at a closed port (AMI down).
/// </summary>
internal static class CostBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rate = 5000;
        var seconds = 20;
        var warmup = 30;
        var idle = false;
        string? agent = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rate" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0: rate = n; i++; break;
                case "--seconds" when i + 1 < args.Length && int.TryParse(args[i + 1], out var s) && s > 0: seconds = s; i++; break;
                case "--warmup" when i + 1 < args.Length && int.TryParse(args[i + 1], out var w) && w >= 0: warmup = w; i++; break;
                case "--idle": idle = true; break;
                case "--agent" when i + 1 < args.Length: agent = args[i + 1]; i++; break;
                default: throw new ArgumentException($"cost: unexpected argument '{args[i]}' (usage: cost [--rate N] [--seconds S] [--warmup S] [--idle] [--agent PATH])");
            }
        }
        if (idle) rate = 0;
        // Under the unit's DOTNET_* settings, which an external agent inherits too.
        if (UnitEnvironment.RelaunchIfNeeded(args) is { } relaunched)
        {
            return await relaunched;
        }
        if (agent is not null) return await ExternalAgentCost.RunAsync(agent, rate, seconds, warmup, idle);

        var work = Directory.CreateTempSubdirectory("watchdog-cost-");
        Process? child = null;
        try
        {
            int port;
            if (idle)
            {
                port = FreePort();
            }
            else
            {
                child = StartSimulator(rate);
                var hello = await child.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("cost: the simulator did not start");
                port = int.Parse(hello["port=".Length..], CultureInfo.InvariantCulture);
            }

            await using var app = CostAgent.Build(port, work.FullName);
            await app.StartAsync();
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            if (child is not null) await child.StandardInput.WriteLineAsync($"url={url}");
            Console.WriteLine(idle
                ? $"cost: idle, AMI down (nothing listens on 127.0.0.1:{port}); warm-up {warmup} s, measuring {seconds} s; {Environment.ProcessorCount} cores"
                : $"cost: {rate} events/s ({CostEventMix.AverageBytes():0} bytes/event) from a child process; warm-up {warmup} s, measuring {seconds} s; {Environment.ProcessorCount} cores");
            Console.WriteLine($"cost: agent pid {Environment.ProcessId}, API at {url}");

            await Task.Delay(TimeSpan.FromSeconds(warmup));
            using var sampler = Environment.GetEnvironmentVariable("COST_ALLOC_TRACE") == "1" ? new AllocationSampler() : null;
            sampler?.Record(true);
            var eventsBefore = await EventsReceivedAsync(url);
            var before = ProcessSample.Take();
            var last = before;
            for (var elapsed = 0; elapsed < seconds;)
            {
                var step = Math.Min(10, seconds - elapsed);
                await Task.Delay(TimeSpan.FromSeconds(step));
                elapsed += step;
                if (seconds > 60 && elapsed % 60 == 0)
                {
                    var now = ProcessSample.Take();
                    Console.WriteLine($"cost: t={elapsed} s cpu_percent={Percent(last, now):0.000} rss_mb={Mb(now.RssBytes):0.0} gc_heap_mb={Mb(now.GcHeapBytes):0.0} threads={now.Threads}");
                    last = now;
                }
            }
            var after = ProcessSample.Take();
            sampler?.Record(false);
            var events = await EventsReceivedAsync(url) - eventsBefore;
            sampler?.Print(events);

            if (child is not null)
            {
                await child.StandardInput.WriteLineAsync("stop");
                var bye = await child.StandardOutput.ReadLineAsync();
                Console.WriteLine($"cost: simulator (not counted): {bye}");
            }
            await app.StopAsync();

            var wall = Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds;
            var statPercent = (after.StatTicks - before.StatTicks) / 100.0 / wall * 100;
            var allocated = after.AllocatedBytes - before.AllocatedBytes;
            Console.WriteLine($"cost: {events} events received in {wall:0.0} s ({events / wall:0}/s); /proc/self/stat says {statPercent:0.00} %; " +
                $"rss {Mb(before.RssBytes):0.0} -> {Mb(after.RssBytes):0.0} MB; allocated {allocated / wall / 1024:0.0} KB/s; gen0 GCs so far {GC.CollectionCount(0)}");
            WarnIfShort(events, rate, wall, idle);
            var perEvent = events > 0 ? allocated / (double)events : 0;
            Console.WriteLine(ContractLine(rate, Percent(before, after), after.RssBytes, after.GcHeapBytes, perEvent, after.Threads));
            return 0;
        }
        finally
        {
            if (child is { HasExited: false })
            {
                child.Kill();
            }
            child?.Dispose();
            work.Delete(recursive: true);
        }
    }

    private static double Percent(ProcessSample from, ProcessSample to) =>
        (to.Cpu - from.Cpu).TotalSeconds / Stopwatch.GetElapsedTime(from.Timestamp, to.Timestamp).TotalSeconds * 100;

    internal static double Mb(long bytes) => bytes / 1024.0 / 1024.0;

    /// <summary>The agent received fewer than 90 % of the events sent: the load was not what the line says.</summary>
    internal static void WarnIfShort(long events, int rate, double wall, bool idle)
    {
        if (!idle && events < rate * wall * 0.9)
        {
            Console.Error.WriteLine($"cost: the agent received only {events} events, expected about {rate * wall:0}");
        }
    }

    /// <summary>The benchmark's last line, a contract (in-process and <c>--agent</c> runs print the same one).</summary>
    internal static string ContractLine(int rate, double cpuPercent, long rssBytes, long gcHeapBytes, double allocBytesPerEvent, int threads) =>
        string.Create(CultureInfo.InvariantCulture,
            $"cost: rate={rate} cpu_percent={cpuPercent:0.000} rss_mb={Mb(rssBytes):0.0} gc_heap_mb={Mb(gcHeapBytes):0.0} alloc_bytes_per_event={allocBytesPerEvent:0.0} threads={threads}");

    internal static Process StartSimulator(int rate)
    {
        var info = SelfStartInfo();
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.ArgumentList.Add("cost-sim");
        info.ArgumentList.Add("--rate");
        info.ArgumentList.Add(rate.ToString(CultureInfo.InvariantCulture));
        return Process.Start(info) ?? throw new InvalidOperationException("cost: cannot start the simulator");
    }

    /// <summary>Starts this benchmark program again: under `dotnet run` the process is the apphost; under `dotnet x.dll` it is dotnet and needs the dll.</summary>
    internal static ProcessStartInfo SelfStartInfo()
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            info.ArgumentList.Add(typeof(CostBenchmark).Assembly.Location);
        }
        return info;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The sum of <c>watchdog_ami_events_total</c>: how many events the agent took in.</summary>
    internal static async Task<long> EventsReceivedAsync(string url)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var text = await http.GetStringAsync("/metrics");
        double sum = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("watchdog_ami_events_total{", StringComparison.Ordinal))
            {
                sum += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }
        return (long)sum;
    }
}
