using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Watchdog.Agent.Tests.Metrics;

/// <summary>
/// A real <c>prometheus</c> (Debian package) on a free loopback port with a temporary config and TSDB,
/// scraping the given targets as job "watchdog" every second and evaluating rule files every second.
/// </summary>
internal sealed class RealPrometheus : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _dir;
    private readonly ConcurrentQueue<string> _log;

    private RealPrometheus(Process process, DirectoryInfo dir, ConcurrentQueue<string> log, int port)
    {
        _process = process;
        _dir = dir;
        _log = log;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
    }

    public HttpClient Http { get; }

    /// <summary>What prometheus wrote to stdout and stderr, for failure messages.</summary>
    public string Log => string.Join("\n", _log);

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// The binary on PATH, or null. Absent binary: the caller fails when <c>CI=true</c> and passes with a
    /// note otherwise (xUnit 2 has no runtime skip) — see <see cref="RequireOrSkip"/>.
    /// </summary>
    public static string? FindBinary() => RealTool.Find("prometheus");

    /// <summary>The message to report when the binary is missing; fails the test when running in CI.</summary>
    public static string RequireOrSkip() =>
        RealTool.RequireOrSkip("The 'prometheus' binary is not on PATH (install the Debian package 'prometheus').");

    /// <summary>Starts prometheus scraping <paramref name="target"/> (host:port) and loading <paramref name="ruleFiles"/>.</summary>
    public static Task<RealPrometheus> StartAsync(string binary, string target, params string[] ruleFiles)
    {
        var dir = Directory.CreateTempSubdirectory("watchdog-prometheus-");
        var port = Cli.CliRun.FreePort();
        var config = Path.Combine(dir.FullName, "prometheus.yml");
        var rules = ruleFiles.Length == 0 ? "" : "rule_files:\n" + string.Concat(ruleFiles.Select(f => $"  - '{f}'\n"));
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: watchdog
                static_configs:
                  - targets: ['{target}']

            """ + rules);
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

        var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start");
        var log = new ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return Task.FromResult(new RealPrometheus(process, dir, log, port));
    }

    /// <summary>GETs an API path and returns the JSON body (error bodies included: they carry "error").</summary>
    public async Task<JsonElement> GetAsync(string pathAndQuery, CancellationToken ct = default)
    {
        Assert.False(_process.HasExited, "prometheus exited:\n" + Log);
        using var response = await Http.GetAsync(pathAndQuery, ct);
        // While it starts, prometheus answers 503 with plain text: not yet, like a refused connection.
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            throw new HttpRequestException("prometheus is not ready yet", null, response.StatusCode);
        }

        return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    }

    /// <summary>An instant query at now.</summary>
    public Task<JsonElement> QueryAsync(string expr, CancellationToken ct = default) =>
        GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(expr), ct);

    /// <summary>A range query from <paramref name="start"/> to now with <paramref name="step"/>.</summary>
    public Task<JsonElement> QueryRangeAsync(string expr, DateTimeOffset start, TimeSpan step, CancellationToken ct = default) =>
        GetAsync("/api/v1/query_range?query=" + Uri.EscapeDataString(expr)
            + "&start=" + start.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)
            + "&end=" + DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)
            + "&step=" + step.TotalSeconds.ToString(CultureInfo.InvariantCulture), ct);

    /// <summary>
    /// Polls <paramref name="probe"/> every 200 ms until it returns true or <paramref name="timeout"/> passes;
    /// connection errors while prometheus starts count as "not yet". Returns whether it succeeded.
    /// </summary>
    public async Task<bool> PollAsync(Func<CancellationToken, Task<bool>> probe, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!cts.IsCancellationRequested)
        {
            Assert.False(_process.HasExited, "prometheus exited:\n" + Log);
            try
            {
                if (await probe(cts.Token)) return true;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (System.Text.Json.JsonException)
            {
                // Listening but not ready: "Service Unavailable" in plain text while the TSDB opens (slower on a loaded machine).
            }
            catch (OperationCanceledException) when (!cts.IsCancellationRequested)
            {
                // One request timed out; try again.
            }
            catch (OperationCanceledException)
            {
                break;
            }
            try
            {
                await Task.Delay(200, cts.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        _dir.Delete(recursive: true);
    }
}
