using System.Globalization;
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
