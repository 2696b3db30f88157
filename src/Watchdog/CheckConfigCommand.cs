using Watchdog.Agent;
using Watchdog.Configuration;

namespace Watchdog;

/// <summary><c>watchdog check-config [--config FILE]</c>: loads and validates the configuration, listing every problem.</summary>
internal static class CheckConfigCommand
{
    public const string Help = """
        usage: watchdog check-config [--config FILE]

        Loads FILE (default /etc/watchdog/watchdog.json) with the Watchdog__Section__Key environment
        overrides and …File secrets, exactly as `watchdog run` does, and checks every section.
        Prints "config OK: FILE" or every problem at once. Nothing is connected to or changed.

        exit codes: 0 valid; 1 invalid, missing or unreadable; 2 the command line is wrong.
        """;

    public static Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        string? path = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--config" when i + 1 < args.Length: path = args[++i]; break;
                case "-h" or "--help": output.WriteLine(Help); return Task.FromResult(0);
                default: throw new UsageException($"check-config: unexpected argument '{args[i]}'");
            }
        }

        var file = Path.GetFullPath(path ?? ConfigLoader.DefaultPath);
        AgentSettings settings;
        List<string> problems;
        try
        {
            var config = ConfigLoader.Load(file);
            settings = AgentSettings.Bind(config, out var bindProblems);
            problems = [.. bindProblems, .. settings.Validate()];
        }
        catch (ConfigException e)
        {
            error.WriteLine($"watchdog: {e.Message}");
            return Task.FromResult(1);
        }

        if (problems.Count > 0)
        {
            error.WriteLine($"config has {problems.Count} problem(s): {file}");
            foreach (var p in problems) error.WriteLine($"  - {p}");
            return Task.FromResult(1);
        }

        output.WriteLine($"config OK: {file}");
        if (!settings.Api.IsLoopback)
        {
            output.WriteLine($"note: Api.ListenUrl {settings.Api.ListenUrl} is not loopback: anyone who can reach it can read the status and add or lift bans (put a proxy with authentication in front, or firewall it)");
        }
        if (settings.Actuators.DryRun) output.WriteLine("note: Actuators.DryRun is on: healing and bans are logged, not done");
        return Task.FromResult(0);
    }
}
