using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Healing;
using Watchdog.Agent.Security;
using Watchdog.Agent.Tests.Healing;
using Watchdog.Agent.Tests.Security;
using Watchdog.Ami;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Hosting;
using Watchdog.Simulator;

namespace Watchdog.Agent.Tests.Hosting;

/// <summary>The whole agent (the real host) against a simulator, with stand-in firewall and service manager.</summary>
internal sealed class AgentUnderTest : IAsyncDisposable
{
    private readonly DirectoryInfo _work;

    private AgentUnderTest(AmiSimulator simulator, WebApplication app, DirectoryInfo work, string messagesLog, string authLog)
    {
        Simulator = simulator;
        App = app;
        _work = work;
        MessagesLog = messagesLog;
        AuthLog = authLog;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(10) };
    }

    public AmiSimulator Simulator { get; }
    public WebApplication App { get; }
    public HttpClient Http { get; }
    public string MessagesLog { get; }
    public string AuthLog { get; }
    public static async Task<AgentUnderTest> StartAsync(Func<AgentSettings, AgentSettings>? configure = null, Action<IServiceCollection>? services = null, SimulatedPbx? pbx = null)
    {
        var work = Directory.CreateTempSubdirectory("watchdog-agent-");
        var messagesLog = Path.Combine(work.FullName, "messages");
        var authLog = Path.Combine(work.FullName, "auth.log");
        File.WriteAllText(messagesLog, "");
        File.WriteAllText(authLog, "");
        var sim = new AmiSimulator(pbx) { MessagesLogPath = messagesLog };
        sim.Start();
        var settings = new AgentSettings
        {
            Ami = new AmiClientOptions { Host = sim.Host, Port = sim.Port, Secret = "watchdog-secret", ReconnectInitialDelay = TimeSpan.FromMilliseconds(100), ReconnectMaxDelay = TimeSpan.FromMilliseconds(500) },
            Healing = new HealingOptions
            {
                TickInterval = TimeSpan.FromMilliseconds(200), RegistrationGrace = TimeSpan.FromSeconds(1), ReregisterWait = TimeSpan.FromSeconds(2),
                AsteriskLogPath = messagesLog, HungThreshold = TimeSpan.FromSeconds(1),
            },
            Security = new SecuritySettings
            {
                AuthLogPath = authLog, PollInterval = TimeSpan.FromMilliseconds(100),
                Bans = new BanOptions { MaxRetry = 3, StatePath = Path.Combine(work.FullName, "bans.json") },
                Whitelist = new WhitelistOptions { IncludeHostAddresses = false },
            },
            Alerting = new AlertingOptions { GroupWait = TimeSpan.FromMilliseconds(200) },
        };
        settings = configure?.Invoke(settings) ?? settings;
        var pending = new AgentUnderTestParts();
        var app = WatchdogAgentHost.Build(settings, new AgentOverrides
        {
            ListenUrl = "http://127.0.0.1:0",
            Firewall = pending.Firewall,
            ServiceManager = pending.Service,
            ConfigureServices = services,
        });
        await app.StartAsync();
        var agent = new AgentUnderTest(sim, app, work, messagesLog, authLog);
        agent.Parts = pending;
        return agent;
    }

    public AgentUnderTestParts Parts { get; private set; } = new();

    public async Task<string> MetricsAsync() => await Http.GetStringAsync("/metrics");

    public async Task<JsonElement> StatusAsync() => await Http.GetFromJsonAsync<JsonElement>("/api/status");

    /// <summary>Polls /metrics until <paramref name="line"/> appears.</summary>
    public async Task<string> WaitForMetricAsync(string line, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        var text = "";
        try
        {
            while (true)
            {
                text = await MetricsAsync();
                if (text.Split('\n').Any(l => l.StartsWith(line, StringComparison.Ordinal))) return text;
                await Task.Delay(50, cts.Token);
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // Say what was there instead: the same metric's other samples, and the agent's view.
            var name = line.Split('{', ' ')[0];
            var seen = text.Split('\n').Where(l => l.StartsWith(name, StringComparison.Ordinal));
            var status = await Http.GetStringAsync("/api/status");
            throw new TimeoutException($"'{line}' never appeared in /metrics. {name} samples: [{string.Join("; ", seen)}]. /api/status: {status}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        await Simulator.DisposeAsync();
        Http.Dispose();
        _work.Delete(recursive: true);
    }
}

/// <summary>The stand-ins handed to the host.</summary>
internal sealed class AgentUnderTestParts
{
    public FakeFirewall Firewall { get; } = new();
    public FakeServiceManager Service { get; } = new();
}
