namespace Watchdog;

/// <summary>The <c>watchdog</c> executable: parses the command line and hands off to one command.</summary>
internal static class Program
{
    private const string Usage = """
        watchdog — keeps an Asterisk PBX healthy (AMI monitoring, metrics, self-healing, bans)

        usage:
          watchdog demo [--duration D]   run against a built-in simulated Asterisk and print what happens
          watchdog --help                this text

        D is a duration such as 30s, 2m or 00:01:30 (default 20s).
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
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
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
