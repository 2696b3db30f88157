using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Xunit.Abstractions;
using static Watchdog.Agent.Tests.Metrics.AgentHarness;

namespace Watchdog.Agent.Tests.Metrics;

/// <summary>
/// Scrapes the agent with a real <c>prometheus</c> (Debian package). Absent binary: fails when
/// <c>CI=true</c>, passes with a note otherwise (xUnit 2 has no runtime skip).
/// </summary>
public class RealPrometheusScrapeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 120_000)]
    public async Task Real_prometheus_scrapes_registration_state_from_the_agent()
    {
        var binary = FindOnPath("prometheus");
        if (binary is null)
        {
            const string message = "The 'prometheus' binary is not on PATH (install the Debian package 'prometheus').";
            Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), message);
            output.WriteLine("SKIPPED locally: " + message);
            return;
        }

        await using var agent = await StartAsync();
        await agent.WaitUntilSyncedAsync();

        var dir = Directory.CreateTempSubdirectory("watchdog-prometheus-");
        var port = FreeLoopbackPort();
        var config = Path.Combine(dir.FullName, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: watchdog
                static_configs:
                  - targets: ['127.0.0.1:{agent.BaseAddress.Port}']
            """);
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--config.file=" + config);
        start.ArgumentList.Add("--storage.tsdb.path=" + Path.Combine(dir.FullName, "data"));
        start.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
        start.ArgumentList.Add("--log.level=warn");

        using var prometheus = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start");
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        prometheus.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        prometheus.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        prometheus.BeginErrorReadLine();
        prometheus.BeginOutputReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            await WaitForValueAsync(http, prometheus, log, "1");

            agent.Simulator.SetRegistrationStatus("mango-registration", "Rejected");
            await WaitForValueAsync(http, prometheus, log, "0");
        }
        finally
        {
            if (!prometheus.HasExited) prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            dir.Delete(recursive: true);
        }
    }

    private static async Task WaitForValueAsync(HttpClient http, Process prometheus, IEnumerable<string> log, string expected)
    {
        using var cts = new CancellationTokenSource(QueryTimeout);
        var last = "(no answer)";
        while (!cts.IsCancellationRequested)
        {
            Assert.False(prometheus.HasExited, "prometheus exited:\n" + string.Join("\n", log));
            try
            {
                var body = await http.GetFromJsonAsync<JsonElement>("/api/v1/query?query=asterisk_registration_registered", cts.Token);
                last = body.ToString();
                var result = body.GetProperty("data").GetProperty("result");
                if (result.GetArrayLength() == 1)
                {
                    var sample = result[0];
                    var labels = sample.GetProperty("metric");
                    if (labels.GetProperty("job").GetString() == "watchdog"
                        && labels.GetProperty("registration").GetString() == "mango-registration"
                        && sample.GetProperty("value")[1].GetString() == expected)
                    {
                        return;
                    }
                }
            }
            catch (HttpRequestException e)
            {
                last = e.Message; // Not listening yet.
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                break;
            }
            try
            {
                await Task.Delay(200, cts.Token);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                break;
            }
        }
        Assert.Fail($"Prometheus never reported asterisk_registration_registered = {expected} within {QueryTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s. Last answer: {last}\nLog:\n{string.Join("\n", log)}");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);
}
