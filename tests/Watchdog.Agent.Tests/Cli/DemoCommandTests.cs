namespace Watchdog.Agent.Tests.Cli;

public class DemoCommandTests
{
    [Fact(Timeout = 90_000)]
    public async Task Demo_heals_the_registration_and_bans_the_brute_force_visible_in_metrics_while_it_runs()
    {
        var port = CliRun.FreePort();
        using var captured = new StringWriter();
        var output = TextWriter.Synchronized(captured);
        var demo = Task.Run(() => Watchdog.DemoCommand.RunAsync(["--duration", "40s", "--listen", $"127.0.0.1:{port}"], output));

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        bool reregistered = false, banned = false;
        while (!(reregistered && banned) && !demo.IsCompleted)
        {
            try
            {
                var lines = (await http.GetStringAsync("/metrics")).Split('\n');
                reregistered |= lines.Any(l => l.StartsWith("watchdog_remediations_total{action=\"reregister\"", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal));
                banned |= lines.Contains("watchdog_bans_active 1");
            }
            catch (HttpRequestException)
            {
                // Not listening yet, or already stopped: the loop ends with the demo.
            }
            await Task.Delay(200);
        }
        var exit = await demo;

        var text = captured.ToString();
        Assert.Equal(0, exit);
        Assert.True(reregistered, "no reregister remediation in /metrics during the demo\n" + text);
        Assert.True(banned, "watchdog_bans_active never reached 1 during the demo\n" + text);
        Assert.Contains("ufw prepend deny from 203.0.113.50", text);
        Assert.Contains("Banned: 203.0.113.50", text);
        Assert.Contains("action: reregister", text);
        Assert.Contains("demo: done", text);
    }
}
