using System.Diagnostics;
using Watchdog.Simulator;

namespace Watchdog.Ami.Tests.Client;

/// <summary>The reader lets a busy stream gather between wake-ups, and never makes a reply wait for it.</summary>
public sealed class ReadBatchingTests
{
    private const int Writes = 40;

    [Fact(Timeout = 30_000)]
    public async Task Events_written_one_at_a_time_are_read_in_a_few_wake_ups_and_all_delivered_in_order()
    {
        await using var t = await ClientAndSimulator.StartAsync(o => o with { ReadBatchWindow = TimeSpan.FromMilliseconds(100), PingInterval = TimeSpan.Zero });
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var last = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        t.Observer.OnEvent = (m, _) =>
        {
            if (m.EventName == "UserEvent" && m["UserEvent"] is { } marker)
            {
                seen.Enqueue(marker);
                if (marker == $"batch-{Writes - 1}") last.TrySetResult();
            }
            return ValueTask.CompletedTask;
        };
        var before = t.Client.SocketReads;

        // One write every 5 ms, as a busy Asterisk flushes its manager sessions: 200 ms of stream.
        for (var i = 0; i < Writes; i++)
        {
            await t.Simulator.SendRawAsync(Marker(i));
            await Task.Delay(5);
        }
        await last.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var reads = t.Client.SocketReads - before;
        Assert.Equal(Enumerable.Range(0, Writes).Select(i => $"batch-{i}"), seen);
        // Without the window every write is a wake-up of its own (40); with it a handful per 100 ms.
        Assert.InRange(reads, 1, Writes / 4);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_reply_does_not_wait_for_the_window()
    {
        await using var t = await ClientAndSimulator.StartAsync(o => o with { ReadBatchWindow = TimeSpan.FromSeconds(1), PingInterval = TimeSpan.Zero });
        // A short read puts the reader into its window.
        await t.Simulator.SendRawAsync(Marker(0));
        await t.Observer.WaitForEvent("UserEvent");

        var clock = Stopwatch.StartNew();
        var pong = await t.Client.SendAsync(AmiActions.Ping());

        Assert.True(pong.IsSuccess);
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(900), $"the Ping reply took {clock.ElapsedMilliseconds} ms: it waited for the 1 s window");
    }

    [Fact]
    public void A_window_over_a_second_is_refused()
    {
        var problems = new AmiClientOptions { Secret = "s", ReadBatchWindow = TimeSpan.FromSeconds(2) }.Validate();

        Assert.Contains(problems, p => p.Contains("ReadBatchWindow", StringComparison.Ordinal));
    }

    private static byte[] Marker(int i) => AmiWire.Event("UserEvent", "user,all").Add("UserEvent", $"batch-{i}").ToBytes();
}
