using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace Watchdog.Cli;

/// <summary>
/// The <c>watchdog</c> command tree on System.CommandLine: one definition per command gives parsing,
/// <c>--help</c>, <c>help CMD</c>, <c>--version</c>, typo suggestions and shell completion.
/// Every command-line mistake is one line on stderr and exit 64.
/// </summary>
internal static class CommandLine
{
    public const string Description = """
        watchdog — keeps an Asterisk PBX healthy (AMI monitoring, metrics, self-healing, bans)

        URL is the agent's API, http://127.0.0.1:9105 by default. 'watchdog help COMMAND' or
        'watchdog COMMAND --help' explains one command; 'watchdog completion bash' prints shell completion.
        """;

    public const string ExitCodeTable = """
        exit codes (every command):
          0   done; healthy; no finding worse than info
          1   degraded (status), warnings (doctor), refused by the agent (bans, maintenance), start-up failed (run)
          2   the agent is not reachable (status, bans, maintenance); critical findings (doctor)
          64  the command line is wrong
          78  the configuration is missing, unreadable or invalid (run, check-config, doctor)
        """;

    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand(Description);
        root.Subcommands.Add(RunCommand.Create(context));
        root.Subcommands.Add(DemoCommand.Create(context));
        root.Subcommands.Add(StatusCommand.Create(context));
        root.Subcommands.Add(BansCommand.Create(context));
        root.Subcommands.Add(MaintenanceCommand.Create(context));
        root.Subcommands.Add(CheckConfigCommand.Create(context));
        root.Subcommands.Add(DoctorCommand.Create(context));
        root.Subcommands.Add(HelpCommand(context));
        root.Subcommands.Add(CompletionScript.Create(context));
        foreach (var help in root.Options.OfType<HelpOption>()) help.Action = new HelpPrinter(context);
        return root;
    }

    /// <summary>Parses and runs one command line.</summary>
    public static async Task<int> InvokeAsync(string[] args, CliContext context, CancellationToken ct = default)
    {
        var root = Build(context);
        if (args.Length == 0)
        {
            HelpPrinter.Write(root, context.Output);
            return ExitCodes.Usage;
        }
        var result = root.Parse(args);
        if (result.Errors.Count > 0 && result.Action is System.CommandLine.Invocation.ParseErrorAction)
        {
            context.Error.WriteLine(ErrorLine(result));
            return ExitCodes.Usage;
        }
        // No signal handling here: the agent's host handles SIGTERM itself, and Ctrl+C may simply end a CLI command.
        var configuration = new InvocationConfiguration { Output = context.Output, Error = context.Error, ProcessTerminationTimeout = null };
        return await result.InvokeAsync(configuration, ct);
    }

    /// <summary>One line: the first mistake, a suggestion for a typo, and where to read more.</summary>
    internal static string ErrorLine(ParseResult result)
    {
        var command = result.CommandResult.Command;
        var path = HelpPrinter.Path(command);
        var where = command is RootCommand ? "" : path["watchdog ".Length..] + ": ";
        string message;
        if (result.UnmatchedTokens.FirstOrDefault() is { } token)
        {
            var known = command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Append(c.Name))
                .Concat(command.Options.SelectMany(o => o.Aliases.Append(o.Name)));
            var kind = token.StartsWith('-') ? "option" : command.Subcommands.Count > 0 ? "command" : "argument";
            var commands = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
            message = $"unknown {kind} '{token}'" + (Suggest.Closest(token, known) is { } s ? $" — did you mean '{s}'?"
                : kind == "command" ? $" (commands: {string.Join(", ", commands)})" : "");
        }
        else
        {
            message = string.Join("; ", result.Errors.Select(e => LowerFirst(e.Message.TrimEnd('.'))).Distinct());
        }
        // One line, whatever the library's message looks like ("Must be one of:\n\t'bash'").
        message = string.Join(' ', message.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim()));
        return $"watchdog: {where}{message} (see '{path} --help')";
    }

    private static string LowerFirst(string text) =>
        text.Length > 1 && char.IsUpper(text[0]) && char.IsLower(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;

    /// <summary><c>watchdog help [COMMAND…]</c>: the same text as <c>watchdog COMMAND --help</c>.</summary>
    private static Command HelpCommand(CliContext context)
    {
        var words = new Argument<string[]>("command") { Arity = ArgumentArity.ZeroOrMore, HelpName = "COMMAND", Description = "the command to explain, e.g. 'bans add'" };
        var help = new CliCommand("help", "explain a command: watchdog help status") { Arguments = { words } };
        help.SetAction(parse =>
        {
            var root = parse.RootCommandResult.Command;
            var target = root.Parse([.. parse.GetValue(words) ?? [], "--help"]);
            if (target.Errors.Count > 0)
            {
                context.Error.WriteLine(ErrorLine(target));
                return ExitCodes.Usage;
            }
            HelpPrinter.Write(target.CommandResult.Command, context.Output);
            return ExitCodes.Ok;
        });
        return help;
    }
}
