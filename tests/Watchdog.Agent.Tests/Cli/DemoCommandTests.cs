using Microsoft.Extensions.Time.Testing;
using Watchdog.Demo;

namespace Watchdog.Agent.Tests.Cli;

public class DemoCommandTests
{
    [Fact(Timeout = 60_000)]
    public async Task Demo_heals_the_registration_and_bans_the_brute_force_visible_in_metrics_while_it_runs()
    {
        var port = CliRun.FreePort();
        using var captured = new StringWriter();
        var output = TextWriter.Synchronized(captured);
        // The story, the agent and the simulator all wait on this clock: the test moves it, so the 40 s story
        // plays in a few seconds and no step depends on how fast this machine is.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(100));
        // The story takes about 35 s of its clock; the demo is given 120 s and stopped as soon as everything
        // was seen, so a slow machine makes the test slower, never wrong.
        var demo = Task.Run(() => DemoStory.PlayAsync(output, TimeSpan.FromSeconds(120), $"127.0.0.1:{port}", time, stop.Token));

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        bool reregistered = false, banned = false;
        while (!demo.IsCompleted)
        {
            // A tenth of a second of story per step. Each step waits for a scrape, so the clock never runs
            // further ahead of the agent than one round trip through its thread pool.
            time.Advance(TimeSpan.FromMilliseconds(100));
            try
            {
                var lines = (await http.GetStringAsync("/metrics")).Split('\n');
                reregistered |= lines.Any(l => l.StartsWith("watchdog_remediations_total{action=\"reregister\"", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal));
                banned |= lines.Contains("watchdog_bans_active 1");
            }
            catch (HttpRequestException)
            {
                // Not listening yet, or already stopped: the loop ends with the demo.
                await Task.WhenAny(demo, Task.Delay(10));
            }
            if (reregistered && banned && captured.ToString().Contains("story: Asterisk answers again", StringComparison.Ordinal))
            {
                await stop.CancelAsync();
            }
        }
        var exit = await demo;

        var text = captured.ToString();
        Assert.Equal(0, exit);
        Assert.True(reregistered, "no reregister remediation in /metrics during the demo\n" + text);
        Assert.True(banned, "watchdog_bans_active never reached 1 during the demo\n" + text);
        Assert.Contains("ufw prepend deny from 203.0.113.50", text);
        Assert.Contains("Banned: 203.0.113.50", text);
        Assert.Contains("action: reregister", text);
        Assert.Contains("story: Asterisk answers again", text);
        Assert.Contains("demo: done", text);
    }
}
