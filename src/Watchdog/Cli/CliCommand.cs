using System.CommandLine;

namespace Watchdog.Cli;

/// <summary>A command with the text its help ends with (exit codes, examples) besides its description.</summary>
internal sealed class CliCommand(string name, string description) : Command(name, description)
{
    /// <summary>Printed after the options in <c>--help</c>.</summary>
    public string? Epilog { get; init; }

    /// <summary>One line for the parent's list of commands (the description's first line otherwise).</summary>
    public string? Summary { get; init; }
}

/// <summary>What every command writes to: the CLI's output and error streams, and whether the output is a terminal.</summary>
internal sealed record CliContext(TextWriter Output, TextWriter Error, bool Terminal)
{
    /// <summary>A one-line error, always prefixed with <c>watchdog: </c>.</summary>
    public void Fail(string message) => Error.WriteLine("watchdog: " + message);
}
