namespace Watchdog;

/// <summary>The <c>watchdog</c> executable: parses the command line and hands off to one command.</summary>
internal static class Program
{
    private const string Usage = """
        watchdog — keeps an Asterisk PBX healthy (AMI monitoring, metrics, self-healing, bans)

        usage:
          watchdog run [--config FILE]                  the agent (FILE defaults to /etc/watchdog/watchdog.json)
          watchdog demo [--duration D] [--listen H:P]   the agent against a built-in simulated Asterisk, with a story
          watchdog status [--url URL] [--json]          what the running agent sees (exit 0 healthy, 1 degraded, 2 unreachable)
          watchdog bans list [--url URL]                active bans of the running agent
          watchdog bans add IP [--for D] [--url URL]    ban IP now (D such as 30m, 2h, 1d; default: the configured ban time)
          watchdog bans remove IP [--url URL]           lift the ban on IP
          watchdog check-config [--config FILE]         validate the configuration, listing every problem
          watchdog doctor [--json] [--config FILE]      audit this box's Asterisk, firewall and DNS set-up
          watchdog COMMAND --help                       help on one command

        URL is the agent's API, http://127.0.0.1:9105 by default.
        """;

    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out, Console.Error);

    /// <summary>Runs one command line; the CLI's own commands write to <paramref name="output"/> and <paramref name="error"/>.</summary>
    internal static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await output.WriteLineAsync(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            return args[0] switch
            {
                "demo" => await DemoCommand.RunAsync(args[1..]),
                "run" => await RunCommand.RunAsync(args[1..]),
                "status" => await StatusCommand.RunAsync(args[1..], output, error),
                "bans" => await BansCommand.RunAsync(args[1..], output, error),
                "check-config" => await CheckConfigCommand.RunAsync(args[1..], output, error),
                "doctor" => await DoctorCommand.RunAsync(args[1..]),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
        }
        catch (Configuration.ConfigException e)
        {
            await error.WriteLineAsync($"watchdog: {e.Message}");
            return 1;
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync($"watchdog: {e.Message} (see 'watchdog --help')");
            return 2;
        }
    }
}

/// <summary>A mistake on the command line: reported in one line with exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
