using Watchdog.Cli;

namespace Watchdog;

/// <summary>The <c>watchdog</c> executable: the command tree lives in <see cref="Cli.CommandLine"/>.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) =>
        RunAsync(args, Console.Out, Console.Error, !Console.IsOutputRedirected);

    /// <summary>Runs one command line; the commands write to <paramref name="output"/> and <paramref name="error"/>.</summary>
    internal static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool terminal = false, CancellationToken ct = default) =>
        Cli.CommandLine.InvokeAsync(args, new CliContext(output, error, terminal), ct);
}
