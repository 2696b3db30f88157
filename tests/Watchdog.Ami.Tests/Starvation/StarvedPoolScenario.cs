using System.Diagnostics;
using Watchdog.Simulator;

namespace Watchdog.Ami.Tests.Starvation;

/// <summary>
/// Runs in a process of its own (the thread-pool limits are process-wide and final): a pool of exactly
/// two threads, one of them blocked by the "application" for the whole run, a simulated Asterisk
/// streaming a number of events at a rate in 10 ms batches, and the
/// client delivering to an observer. Exit code 0 and <c>delivered=N dropped=0</c> when nothing was lost.
/// </summary>
internal static class StarvedPoolScenario
{
    public const string Argument = "starved-pool-scenario";

    public static async Task<int> RunAsync(int events, int eventsPerSecond)
    {
        if (!ThreadPool.SetMinThreads(2, 2) || !ThreadPool.SetMaxThreads(2, 2))
        {
            Console.WriteLine($"cannot size the pool to 2 threads ({Environment.ProcessorCount} processors; run with DOTNET_PROCESSOR_COUNT=2)");
            return 3;
        }
        using var blocker = new ManualResetEventSlim();
        using var blocking = new ManualResetEventSlim();
        ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            blocking.Set();
            blocker.Wait(); // an application that blocks a pool thread (sync over async, a slow lock)
        }, null);
        blocking.Wait();
        try
        {
            return await StreamAsync(events, eventsPerSecond);
        }
        finally
        {
            blocker.Set();
        }
    }

    private static async Task<int> StreamAsync(int events, int eventsPerSecond)
    {
        await using var sim = new AmiSimulator();
        sim.Start();
        // Small enough that a dispatcher waiting for a pool thread would overflow it within a second.
        await using var client = new AmiClient(new AmiClientOptions
        {
            Host = sim.Host, Port = sim.Port, Secret = "watchdog-secret", PingInterval = TimeSpan.Zero, EventQueueCapacity = 2_000,
        });
        var counter = new Counter(events);
        using var subscription = client.Subscribe(counter);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = client.RunAsync(stop.Token);
        await client.WaitUntilLoggedInAsync(stop.Token);
        await sim.WaitForLoginAsync(1, stop.Token);

        var ev = AmiWire.Event("VarSet", "dialplan,all").Add("Channel", "PJSIP/mango-trunk-00000001").Add("Variable", "RTPAUDIOQOS")
            .Add("Value", "ssrc=1;themssrc=2;lp=0;rxjitter=0.000;rxcount=400;txjitter=0.000;txcount=400").Add("Uniqueid", "1795680120.0").ToBytes();
        var perBatch = Math.Max(1, eventsPerSecond / 100);
        var batch = Enumerable.Repeat(ev, perBatch).SelectMany(b => b).ToArray();
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        for (var sent = 0; sent < events; sent += perBatch)
        {
            await timer.WaitForNextTickAsync(stop.Token);
            await sim.SendRawAsync(batch, stop.Token);
        }
        var done = await Task.WhenAny(counter.All.Task, Task.Delay(TimeSpan.FromSeconds(20), stop.Token)) == counter.All.Task;
        Console.WriteLine($"delivered={counter.VarSets} dropped={client.DroppedEvents} seconds={clock.Elapsed.TotalSeconds:0.0}");
        await stop.CancelAsync();
        await run;
        return done && client.DroppedEvents == 0 ? 0 : 1;
    }

    private sealed class Counter(int expected) : IAmiEventObserver
    {
        private int _varSets;
        public int VarSets => Volatile.Read(ref _varSets);
        public TaskCompletionSource All { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask OnEventAsync(AmiMessage message, CancellationToken ct)
        {
            if (message.EventName == "VarSet" && Interlocked.Increment(ref _varSets) == expected) All.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }
}
