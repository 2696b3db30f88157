using System.Diagnostics;
using Watchdog.Simulator;

namespace Watchdog.Benchmarks.Cost;

/// <summary>
/// The outside world of the cost benchmark, in a process of its own so that its CPU and memory are not
/// counted as the agent's: a simulated Asterisk streaming <see cref="CostEventMix"/> at a fixed rate in
/// small batches (one write every 10 ms, as a busy Asterisk flushes its manager sessions), and a
/// Prometheus-like scrape of <c>/metrics</c> every 15 s.
/// Protocol on stdio with the parent: prints <c>port=P</c>; reads <c>url=U</c> (the agent's API), then
/// <c>stop</c>, and answers <c>sent=N cpu_ms=N</c>.
/// </summary>
internal static class CostSimulator
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan ScrapeInterval = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(string[] args)
    {
        var rate = args.Length == 2 && args[0] == "--rate" && int.TryParse(args[1], out var r) && r > 0
            ? r
            : throw new ArgumentException("cost-sim: usage: cost-sim --rate N (N > 0)");

        await using var sim = new AmiSimulator();
        sim.Start();
        Console.WriteLine($"port={sim.Port}");
        var url = await Console.In.ReadLineAsync() is { } line && line.StartsWith("url=", StringComparison.Ordinal)
            ? line["url=".Length..]
            : throw new InvalidOperationException("cost-sim: expected url=U on stdin");

        using var stop = new CancellationTokenSource();
        await sim.WaitForLoginAsync(1, stop.Token);
        var sent = 0L;
        var streaming = Task.Run(async () => sent = await StreamAsync(sim, rate, stop.Token));
        var scraping = Task.Run(() => ScrapeAsync(url, stop.Token));
        while (await Console.In.ReadLineAsync() is { } command && command != "stop")
        {
        }
        await stop.CancelAsync();
        await Task.WhenAll(streaming, scraping);
        Console.WriteLine($"sent={sent} cpu_ms={Environment.CpuUsage.TotalTime.TotalMilliseconds:0}");
        return 0;
    }

    private static async Task<long> StreamAsync(AmiSimulator sim, int rate, CancellationToken ct)
    {
        var mix = new CostEventMix();
        var batch = new MemoryStream();
        var clock = Stopwatch.StartNew();
        long sent = 0;
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                // Catch up on what the clock says is due, so a late tick does not lower the rate.
                var due = (long)(clock.Elapsed.TotalSeconds * rate) - sent;
                if (due <= 0) continue;
                batch.SetLength(0);
                mix.Next((int)Math.Min(due, rate), batch);
                await sim.SendRawAsync(batch.GetBuffer().AsMemory(0, (int)batch.Length), ct);
                sent += Math.Min(due, rate);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The parent is done measuring.
        }
        return sent;
    }

    private static async Task ScrapeAsync(string url, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var timer = new PeriodicTimer(ScrapeInterval);
            do
            {
                using var response = await http.GetAsync("/metrics", ct);
                await response.Content.ReadAsByteArrayAsync(ct);
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The parent is done measuring.
        }
    }
}
