using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Watchdog.Agent.Healing;
using Watchdog.Agent.Hosting;
using Watchdog.Agent.Security;
using Watchdog.Agent.State;
using Watchdog.Ami;
using Watchdog.Simulator;

namespace Watchdog.Agent.Tests.Metrics;

/// <summary>
/// The agent as the executable wires it (the real host), against a simulator on loopback, listening on
/// 127.0.0.1:0 with its own metrics registry.
/// </summary>
internal sealed class AgentHarness : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private AgentHarness(AmiSimulator simulator, WebApplication app, Uri baseAddress)
    {
        Simulator = simulator;
        App = app;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public AmiSimulator Simulator { get; }
    public WebApplication App { get; }
    public AmiClient Client => App.Services.GetRequiredService<AmiClient>();
    public HttpClient Http { get; }
    public Uri BaseAddress => Http.BaseAddress!;
    public PbxStateStore Store => App.Services.GetRequiredService<PbxStateStore>();
    public PbxStateTracker Tracker => App.Services.GetRequiredService<PbxStateTracker>();

    /// <summary>The real host with healing and bans off: what is observed and exported, nothing acted on.</summary>
    public static async Task<AgentHarness> StartAsync(TimeProvider? time = null)
    {
        var simulator = new AmiSimulator(SimulatedPbx.TrunkSetup());
        simulator.Start();
        var settings = new AgentSettings
        {
            Ami = new AmiClientOptions
            {
                Host = simulator.Host,
                Port = simulator.Port,
                Username = "watchdog",
                Secret = "watchdog-secret",
                ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
                ReconnectMaxDelay = TimeSpan.FromMilliseconds(400),
                ActionTimeout = TimeSpan.FromSeconds(5),
            },
            Healing = new HealingOptions { Enabled = false },
            Security = new SecuritySettings { Enabled = false },
        };
        var app = WatchdogAgentHost.Build(settings, new AgentOverrides { ListenUrl = "http://127.0.0.1:0", Time = time });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new AgentHarness(simulator, app, new Uri(address));
    }

    /// <summary>Scrapes <c>/metrics</c> into <c>series → value</c>, where a series is spelled as exposed (<c>name{a="b"}</c>).</summary>
    public async Task<Dictionary<string, double>> ScrapeAsync()
    {
        var text = await Http.GetStringAsync("/metrics");
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#')) continue;
            var space = line.LastIndexOf(' ');
            series[line[..space]] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
        return series;
    }

    public static string Series(string name, params (string Label, string Value)[] labels) =>
        labels.Length == 0 ? name : $"{name}{{{string.Join(",", labels.Select(l => $"{l.Label}=\"{l.Value}\""))}}}";

    public async Task<JsonElement> StatusAsync() => await Http.GetFromJsonAsync<JsonElement>("/api/status");

    /// <summary>Polls the scrape until <paramref name="condition"/> holds; fails with the last scrape after <paramref name="timeout"/>.</summary>
    public async Task<Dictionary<string, double>> WaitForMetricsAsync(Func<Dictionary<string, double>, bool> condition, string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var last = new Dictionary<string, double>();
        while (!cts.IsCancellationRequested)
        {
            last = await ScrapeAsync();
            if (condition(last)) return last;
            try
            {
                await Task.Delay(25, cts.Token);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                break;
            }
        }
        Assert.Fail($"Timed out waiting for {what}. Last scrape:\n{string.Join("\n", last.Where(kv => !kv.Key.StartsWith("watchdog_ami_events", StringComparison.Ordinal)).Select(kv => $"{kv.Key} {kv.Value}"))}");
        return last;
    }

    public static double? Get(Dictionary<string, double> scrape, string name, params (string, string)[] labels) =>
        scrape.TryGetValue(Series(name, labels), out var v) ? v : null;

    /// <summary>Waits until the first resync after login is applied.</summary>
    public Task<Dictionary<string, double>> WaitUntilSyncedAsync() =>
        WaitForMetricsAsync(m => Get(m, "watchdog_ami_connected") == 1
            && Get(m, "asterisk_registration_registered", ("registration", "mango-registration")) is not null
            && Get(m, "asterisk_endpoint_reachable", ("endpoint", "elevenlabs-trunk")) is not null, "the first resync");

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Simulator.DisposeAsync();
        Http.Dispose();
    }
}
