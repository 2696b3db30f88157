using Watchdog.Demo;

namespace Watchdog;

/// <summary>
/// <c>watchdog demo</c>: the whole agent against a built-in simulated Asterisk (the Mango/ElevenLabs
/// trunk set-up) playing a scripted story; each incident and action is printed as it happens, and
/// <c>/metrics</c> and <c>/api/status</c> are served the whole time. Nothing on the host is touched:
/// the firewall and the service manager are stand-ins, and the restart is a dry run.
/// </summary>
internal static class DemoCommand
{
    public const string Help = """
        usage: watchdog demo [--duration D] [--listen HOST:PORT]

        Runs the agent against a built-in simulated Asterisk and plays a story: the trunk registration
        drops and is healed, a trunk stops answering and comes back, calls die of RTP timeout, an SSH
        brute force is banned (through a stand-in firewall), Asterisk hangs (dry-run restart).
        /metrics and /api/status are served on HOST:PORT (default 127.0.0.1:9105) the whole time;
        try `watchdog status` from another terminal.

        D is a duration such as 45s, 2m or 00:01:30 (default 45s; the story takes about 35 s).
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null)
    {
        var console = output ?? Console.Out;
        var duration = TimeSpan.FromSeconds(45);
        var listen = "127.0.0.1:9105";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--duration" when i + 1 < args.Length:
                    if (!Durations.TryParse(args[++i], out duration) || duration <= TimeSpan.Zero)
                        throw new UsageException($"--duration '{args[i]}' is not a duration (try 45s, 2m or 00:01:30)");
                    break;
                case "--listen" when i + 1 < args.Length:
                    listen = args[++i];
                    if (!System.Net.IPEndPoint.TryParse(listen, out var ep) || ep.Port == 0)
                        throw new UsageException($"--listen '{listen}' is not HOST:PORT (e.g. 127.0.0.1:9105)");
                    break;
                case "-h" or "--help":
                    console.WriteLine(Help);
                    return 0;
                default:
                    throw new UsageException($"demo: unexpected argument '{args[i]}'");
            }
        }

        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; stop.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await DemoStory.PlayAsync(console, duration, listen, TimeProvider.System, stop.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}

