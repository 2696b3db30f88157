using Watchdog.Agent;
using Watchdog.Agent.Hosting;
using Watchdog.Configuration;
using Watchdog.Hosting;

namespace Watchdog;

/// <summary><c>watchdog run [--config FILE]</c>: the agent.</summary>
internal static class RunCommand
{
    public const string Help = """
        usage: watchdog run [--config FILE]

        Runs the agent: connects to Asterisk's AMI, tracks registrations, endpoints and calls, serves
        /metrics and /api/status (Api:ListenUrl, loopback by default), alerts, heals and bans.
        FILE defaults to /etc/watchdog/watchdog.json; Watchdog__Section__Key environment variables
        override it (e.g. Watchdog__Ami__Host=10.0.0.5).
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        string? configPath = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--config" when i + 1 < args.Length: configPath = args[++i]; break;
                case "-h" or "--help": Console.WriteLine(Help); return 0;
                default: throw new UsageException($"run: unexpected argument '{args[i]}'");
            }
        }

        var config = ConfigLoader.Load(configPath);
        var settings = AgentSettings.Bind(config, out var bindProblems);
        var problems = bindProblems.Concat(settings.Validate()).ToList();
        if (problems.Count > 0)
        {
            Console.Error.WriteLine($"watchdog: the configuration has {problems.Count} problem(s):");
            foreach (var p in problems) Console.Error.WriteLine($"  - {p}");
            return 1;
        }

        await using var app = WatchdogAgentHost.Build(settings, new AgentOverrides { ConfigureLogging = AgentLogging.Console });
        await app.RunAsync();
        return 0;
    }
}
