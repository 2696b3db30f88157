using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Healing;
using Watchdog.Agent.Security;
using Watchdog.Ami;
using Watchdog.Configuration;
using Watchdog.Hosting;
using Watchdog.Simulator;

namespace Watchdog;

/// <summary>
/// <c>watchdog demo</c>: the whole agent against a built-in simulated Asterisk (the Mango/ElevenLabs
/// trunk set-up) playing a scripted story; each incident and action is printed as it happens, and
/// <c>/metrics</c> and <c>/api/status</c> are served the whole time. Nothing on the host is touched:
/// the firewall and the service manager are stand-ins, and the restart is a dry run.
/// </summary>
internal static class DemoCommand
{
    public static System.CommandLine.Command Create(Cli.CliContext context)
    {
        var duration = Cli.CommonOptions.Duration("--duration", "how long to run, such as 45s, 2m or 00:01:30 (default 45s; the story takes about 35 s)");
        var listen = new System.CommandLine.Option<string>("--listen")
        {
            HelpName = "HOST:PORT",
            Description = "where /metrics and /api/status are served (default 127.0.0.1:9105)",
            DefaultValueFactory = _ => "127.0.0.1:9105",
            CustomParser = r => Cli.CommonOptions.Parse<string>(r, TryParseListen, "is not HOST:PORT (e.g. 127.0.0.1:9105 or localhost:19557)"),
        };
        var command = new Cli.CliCommand("demo", """
            Runs the agent against a built-in simulated Asterisk and plays a story: the trunk registration
            drops and is healed, a trunk stops answering and comes back, calls die of RTP timeout, an SSH
            brute force is banned (through a stand-in firewall), Asterisk hangs (dry-run restart).
            /metrics and /api/status are served the whole time; try `watchdog status` from another terminal.
            """) {
            Summary = "the agent against a built-in simulated Asterisk, with a story", Options = { duration, listen }, Epilog = "exit codes: 0 the story ran; 64 the command line is wrong." };
        command.SetAction((parse, _) => RunAsync(parse.GetValue(duration) ?? TimeSpan.FromSeconds(45), parse.GetValue(listen)!, context.Output));
        return command;
    }

    /// <summary>Kept for callers that pass the arguments after <c>demo</c>.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter? output = null) =>
        Program.RunAsync(["demo", .. args], output ?? Console.Out, Console.Error);

    /// <summary>HOST:PORT with a host name or an address ([v6] in brackets) and a port 1-65535.</summary>
    private static bool TryParseListen(string text, out string value)
    {
        value = text;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            return false;
        var host = text[..colon];
        return Uri.CheckHostName(host.Trim('[', ']')) != UriHostNameType.Unknown;
    }

    private static async Task<int> RunAsync(TimeSpan duration, string listen, TextWriter console)
    {
        var work = Directory.CreateTempSubdirectory("watchdog-demo-");
        try
        {
            return await PlayAsync(console, duration, listen, work.FullName);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<int> PlayAsync(TextWriter console, TimeSpan duration, string listen, string work)
    {
        using var stop = new CancellationTokenSource(duration);
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; stop.Cancel(); };
        Console.CancelKeyPress += onCancel;

        var authLog = Path.Combine(work, "auth.log");
        var messagesLog = Path.Combine(work, "messages");
        File.WriteAllText(authLog, "");
        File.WriteAllText(messagesLog, "");
        await using var sim = new AmiSimulator { MessagesLogPath = messagesLog };
        sim.Start();

        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Alerting:GroupWait"] = "00:00:01",
            ["Alerting:Language"] = "en",
            ["State:ResyncInterval"] = "00:00:30",
        }).Build();
        var settings = new AgentSettings
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
                Bans = new BanOptions { MaxRetry = 5, StatePath = Path.Combine(work, "bans.json") },
                Whitelist = new WhitelistOptions { IncludeHostAddresses = false },
            },
        };
        var problems = settings.Validate();
        if (problems.Count > 0) throw new InvalidOperationException("demo settings are invalid: " + string.Join(" ", problems));

        var firewall = new StandInFirewall(console);
        var service = new StandInServiceManager(console);
        await using var app = AgentHost.Build(settings, config, new AgentHostOptions
        {
            ListenUrl = "http://" + listen,
            Firewall = firewall,
            ServiceManager = service,
            ConsoleLogging = false,
            ConfigureServices = services => services.AddSingleton<INotifier>(new ConsoleNotifier(console)),
        });
        await app.StartAsync(stop.Token);
        console.WriteLine($"demo: simulated Asterisk {sim.Pbx.AsteriskVersion} on {sim.Host}:{sim.Port} (AMI); agent API on http://{listen} (/metrics, /api/status)");
        try
        {
            await StoryAsync(console, sim, service, authLog, stop.Token);
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The demo's time is up.
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        await app.StopAsync(CancellationToken.None);
        console.WriteLine("demo: done");
        return 0;
    }

    private static async Task StoryAsync(TextWriter console, AmiSimulator sim, StandInServiceManager service, string authLog, CancellationToken ct)
    {
        async Task Step(double seconds, string text)
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), ct);
            console.WriteLine($"story: {text}");
        }

        await Step(2, "the Mango registrar stops answering; Asterisk gives up on the registration (max retries)");
        sim.SetRegistrar("mango-registration", RegistrarBehaviour.Silent, permanent: true);
        await Step(1, "the registrar is back, but Asterisk will not retry by itself: the watchdog must re-register");
        sim.SetRegistrar("mango-registration", RegistrarBehaviour.Accepts);

        await Step(6, "elevenlabs-trunk stops answering OPTIONS");
        sim.SetContactStatus("elevenlabs-trunk", "Unreachable");
        await Step(4, "elevenlabs-trunk answers again");
        sim.SetContactStatus("elevenlabs-trunk", "Reachable", 812);

        await Step(2, "four calls come in; three lose their audio and die of RTP timeout");
        var calls = Enumerable.Range(0, 4).Select(_ => sim.StartCall()).ToList();
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        foreach (var call in calls.Take(3)) sim.RtpTimeout(call);
        sim.Hangup(calls[3]);

        await Step(3, "an SSH brute force from 203.0.113.50 (auth.log)");
        var now = TimeProvider.System.GetUtcNow();
        for (var i = 0; i < 6; i++)
        {
            File.AppendAllText(authLog, string.Create(CultureInfo.InvariantCulture,
                $"{now:MMM dd HH:mm:ss} pbx sshd[{4100 + i}]: Failed password for root from 203.0.113.50 port {40000 + i} ssh2\n"));
        }

        await Step(3, "Asterisk hangs: its manager port stops answering");
        service.Active = true;
        await sim.StopListeningAsync();
        sim.DropConnections();
        await Task.Delay(TimeSpan.FromSeconds(8), ct);
        console.WriteLine("story: Asterisk answers again");
        sim.Start();
    }
}

/// <summary>The demo's alert channel: notifications printed to the console.</summary>
internal sealed class ConsoleNotifier(TextWriter console) : INotifier
{
    public string Name => "console";

    public Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        console.WriteLine($"alert: {notification.Title}");
        foreach (var line in notification.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            console.WriteLine($"       {line}");
        return Task.CompletedTask;
    }
}

/// <summary>A firewall that prints what ufw would have been told.</summary>
internal sealed class StandInFirewall(TextWriter console) : IFirewall
{
    public List<string> Blocked { get; } = [];

    public Task<FirewallOutcome> BlockAsync(System.Net.IPAddress address, string comment, CancellationToken cancellationToken)
    {
        Blocked.Add(address.ToString());
        console.WriteLine($"action: firewall (stand-in): ufw prepend deny from {address} to any comment '{comment}'");
        return Task.FromResult(FirewallOutcome.Success);
    }

    public Task<FirewallOutcome> UnblockAsync(System.Net.IPAddress address, CancellationToken cancellationToken)
    {
        console.WriteLine($"action: firewall (stand-in): ufw delete deny from {address} to any");
        return Task.FromResult(FirewallOutcome.Success);
    }
}

/// <summary>A service manager whose restarts are dry runs.</summary>
internal sealed class StandInServiceManager(TextWriter console) : IServiceManager
{
    public bool Active { get; set; } = true;

    public Task<bool> IsActiveAsync(CancellationToken ct) => Task.FromResult(Active);

    public Task<ActionOutcome> RestartAsync(CancellationToken ct)
    {
        console.WriteLine("action: dry run: would run systemctl restart asterisk.service");
        return Task.FromResult(ActionOutcome.DryRun);
    }
}
