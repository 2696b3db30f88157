using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Watchdog.Agent.Tests.Alerting;

/// <summary>
/// A real <c>prometheus-alertmanager</c> (Debian package) on a free loopback port, with a temporary config
/// (one receiver that sends nowhere), its own storage and clustering off.
/// </summary>
internal sealed class RealAlertmanager : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _dir;
    private readonly ConcurrentQueue<string> _log;

    private RealAlertmanager(Process process, DirectoryInfo dir, ConcurrentQueue<string> log, int port)
    {
        _process = process;
        _dir = dir;
        _log = log;
        Url = $"http://127.0.0.1:{port}";
        Http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(5) };
    }

    public string Url { get; }

    public HttpClient Http { get; }

    public string Log => string.Join("\n", _log);

    public static string? FindBinary() => RealTool.Find("prometheus-alertmanager", "alertmanager");

    /// <summary>The note when the binary is missing; fails the test under CI=true.</summary>
    public static string RequireOrSkip() =>
        RealTool.RequireOrSkip("The 'prometheus-alertmanager' binary is not installed (Debian package 'prometheus-alertmanager').");

    public static async Task<RealAlertmanager> StartAsync(string binary)
    {
        var dir = Directory.CreateTempSubdirectory("watchdog-alertmanager-");
        var port = Cli.CliRun.FreePort();
        var config = Path.Combine(dir.FullName, "alertmanager.yml");
        File.WriteAllText(config, """
            route:
              receiver: nowhere
              group_wait: 1h
            receivers:
              - name: nowhere

            """);
        var start = new ProcessStartInfo(binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("--config.file=" + config);
        start.ArgumentList.Add("--storage.path=" + Path.Combine(dir.FullName, "data"));
        start.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
        // No gossip port: it would bind 0.0.0.0:9094 and clash with other instances.
        start.ArgumentList.Add("--cluster.listen-address=");
        start.ArgumentList.Add("--log.level=warn");
        var process = Process.Start(start) ?? throw new InvalidOperationException("alertmanager did not start");
        var log = new ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var am = new RealAlertmanager(process, dir, log, port);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            Assert.False(process.HasExited, "alertmanager exited:\n" + am.Log);
            try
            {
                using var ready = await am.Http.GetAsync("/-/ready", deadline.Token);
                if (ready.IsSuccessStatusCode) return am;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    /// <summary>GET /api/v2/alerts.</summary>
    public async Task<JsonElement[]> AlertsAsync(CancellationToken ct) =>
        [.. (await Http.GetFromJsonAsync<JsonElement>("/api/v2/alerts", ct)).EnumerateArray()];

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        _dir.Delete(recursive: true);
    }
}
