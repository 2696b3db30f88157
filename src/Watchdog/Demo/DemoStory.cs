using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Watchdog.Agent;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Healing;
using Watchdog.Agent.Hosting;
using Watchdog.Agent.Security;
using Watchdog.Agent.State;
using Watchdog.Ami;
using Watchdog.Simulator;

namespace Watchdog.Demo;

/// <summary>
/// The demo: the real agent against a built-in simulated Asterisk (the Mango/ElevenLabs trunk set-up)
/// playing a scripted story. Every wait of the story, the agent and the simulator runs on one
/// <see cref="TimeProvider"/>: the system clock for <c>watchdog demo</c>, a fake clock in the tests.
/// Nothing on the host is touched: the firewall and the service manager are stand-ins, the restart a dry run.
/// </summary>
internal static class DemoStory
{
    /// <summary>Plays the story for <paramref name="duration"/> (on <paramref name="time"/>), or until <paramref name="ct"/> fires.</summary>
    public static async Task<int> PlayAsync(TextWriter console, TimeSpan duration, string listen, TimeProvider time, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("watchdog-demo-");
        try
        {
            return await PlayInAsync(console, duration, listen, time, work.FullName, ct);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<int> PlayInAsync(TextWriter console, TimeSpan duration, string listen, TimeProvider time, string work, CancellationToken ct)
    {
        using var timeUp = new CancellationTokenSource(duration, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeUp.Token, ct);

        var authLog = Path.Combine(work, "auth.log");
        var messagesLog = Path.Combine(work, "messages");
        File.WriteAllText(authLog, "");
        File.WriteAllText(messagesLog, "");
        await using var sim = new AmiSimulator(time: time) { MessagesLogPath = messagesLog };
        sim.Start();

        var settings = Settings(sim, authLog, messagesLog, Path.Combine(work, "bans.json"));
        var problems = settings.Validate();
        if (problems.Count > 0) throw new InvalidOperationException("demo settings are invalid: " + string.Join(" ", problems));

        var service = new StandInServiceManager(console);
        await using var app = WatchdogAgentHost.Build(settings, new AgentOverrides
        {
            ListenUrl = "http://" + listen,
            Time = time,
            Firewall = new StandInFirewall(console),
            ServiceManager = service,
            ConfigureServices = services => services.AddSingleton<INotifier>(new ConsoleNotifier(console)),
        });
        await app.StartAsync(stop.Token);
        console.WriteLine($"demo: simulated Asterisk {sim.Pbx.AsteriskVersion} on {sim.Host}:{sim.Port} (AMI); agent API on http://{listen} (/metrics, /api/status)");
        try
        {
            await StoryAsync(console, sim, service, authLog, time, stop.Token);
            await Task.Delay(Timeout.InfiniteTimeSpan, time, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The demo's time is up, or the operator pressed Ctrl+C.
        }
        await app.StopAsync(CancellationToken.None);
        console.WriteLine("demo: done");
        return 0;
    }

    private static AgentSettings Settings(AmiSimulator sim, string authLog, string messagesLog, string bansPath) => new()
    {
        Ami = new AmiClientOptions { Host = sim.Host, Port = sim.Port, Username = "watchdog", Secret = "watchdog-secret", PingInterval = TimeSpan.FromSeconds(2), PingTimeout = TimeSpan.FromSeconds(2) },
        Actuators = new ActuatorOptions(),
        Healing = new HealingOptions
        {
            TickInterval = TimeSpan.FromSeconds(1), RegistrationGrace = TimeSpan.FromSeconds(3), ReregisterWait = TimeSpan.FromSeconds(4),
            ReloadWait = TimeSpan.FromSeconds(4), RestartWait = TimeSpan.FromSeconds(10), HungThreshold = TimeSpan.FromSeconds(5),
            AsteriskLogPath = messagesLog, ReregisterCooldown = TimeSpan.FromSeconds(5), ReloadCooldown = TimeSpan.FromSeconds(5),
            RestartCooldown = TimeSpan.FromSeconds(5), MaxActionsPerHour = 20,
        },
        Security = new SecuritySettings
        {
            AuthLogPath = authLog, PollInterval = TimeSpan.FromMilliseconds(200),
            Bans = new BanOptions { MaxRetry = 5, StatePath = bansPath },
            Whitelist = new WhitelistOptions { IncludeHostAddresses = false },
        },
        Alerting = new AlertingOptions { GroupWait = TimeSpan.FromSeconds(1), Language = "en" },
        State = new StateOptions { ResyncInterval = TimeSpan.FromSeconds(30) },
    };

    private static async Task StoryAsync(TextWriter console, AmiSimulator sim, StandInServiceManager service, string authLog, TimeProvider time, CancellationToken ct)
    {
        async Task Step(double seconds, string text)
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), time, ct);
            console.WriteLine($"story: {text}");
        }

        await Step(2, "the Mango registrar stopped answering and Asterisk gave up on the registration (max retries); "
            + "the registrar is back, but Asterisk will not retry by itself: the watchdog must re-register");
        sim.SetRegistrar("mango-registration", RegistrarBehaviour.Silent, permanent: true);
        // Back at once: the one re-register a timeout gets (the healing policy) must find it answering.
        sim.SetRegistrar("mango-registration", RegistrarBehaviour.Accepts);

        await Step(6, "elevenlabs-trunk stops answering OPTIONS");
        sim.SetContactStatus("elevenlabs-trunk", "Unreachable");
        await Step(4, "elevenlabs-trunk answers again");
        sim.SetContactStatus("elevenlabs-trunk", "Reachable", 812);

        await Step(2, "four calls come in; three lose their audio and die of RTP timeout");
        var calls = Enumerable.Range(0, 4).Select(_ => sim.StartCall()).ToList();
        await Task.Delay(TimeSpan.FromSeconds(1), time, ct);
        foreach (var call in calls.Take(3)) sim.RtpTimeout(call);
        sim.Hangup(calls[3]);

        await Step(3, "an SSH brute force from 203.0.113.50 (auth.log)");
        var now = time.GetUtcNow();
        for (var i = 0; i < 6; i++)
        {
            File.AppendAllText(authLog, string.Create(CultureInfo.InvariantCulture,
                $"{now:MMM dd HH:mm:ss} pbx sshd[{4100 + i}]: Failed password for root from 203.0.113.50 port {40000 + i} ssh2\n"));
        }

        await Step(3, "Asterisk hangs: its manager port stops answering");
        service.Active = true;
        await sim.StopListeningAsync();
        sim.DropConnections();
        await Task.Delay(TimeSpan.FromSeconds(8), time, ct);
        console.WriteLine("story: Asterisk answers again");
        sim.Start();
    }
}
