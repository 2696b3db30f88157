namespace Watchdog;

/// <summary>The <c>watchdog</c> executable: parses the command line and hands off to one command.</summary>
internal static class Program
{
    private const string Usage = """
        watchdog — keeps an Asterisk PBX healthy (AMI monitoring, metrics, self-healing, bans)

        usage:
          watchdog run [--config FILE]                 the agent
          watchdog demo [--duration D] [--listen H:P]  the agent against a built-in simulated Asterisk, with a story
          watchdog status [--url URL] [--json]         what the running agent sees (exit 0 healthy, 1 degraded, 2 unreachable)
          watchdog bans list|add IP [--for D]|remove IP
          watchdog check-config [--config FILE]        validate the configuration, listing every problem
          watchdog doctor [--json] [--config FILE]     audit this box's Asterisk, firewall and DNS set-up
          watchdog COMMAND --help                      help on one command
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            return args[0] switch
            {
                "demo" => await DemoCommand.RunAsync(args[1..]),
                "run" => await RunCommand.RunAsync(args[1..]),
                "status" => await StatusCommand.RunAsync(args[1..]),
                "bans" => await BansCommand.RunAsync(args[1..]),
                "check-config" => await CheckConfigCommand.RunAsync(args[1..]),
                "doctor" => await DoctorCommand.RunAsync(args[1..]),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
        }
        catch (Configuration.ConfigException e)
        {
            Console.Error.WriteLine($"watchdog: {e.Message}");
            return 1;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"watchdog: {e.Message}");
            Console.Error.WriteLine("Run 'watchdog --help' for usage.");
            return 2;
        }
    }
}

/// <summary>A mistake on the command line: reported in one line with exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
