using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Watchdog.Cli;

/// <summary>
/// <c>--help</c>, drawn from the same definition the parser uses (so the two cannot disagree):
/// a usage line, the description, the arguments, subcommands and options, then the command's epilog.
/// </summary>
internal sealed class HelpPrinter(CliContext context) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        Write(parseResult.CommandResult.Command, context.Output);
        return ExitCodes.Ok;
    }

    public static void Write(Command command, TextWriter output)
    {
        var path = Path(command);
        var usage = new List<string> { path };
        usage.AddRange(command.Arguments.Where(a => !a.Hidden).Select(a => a.Arity.MinimumNumberOfValues == 0 ? $"[{a.HelpName ?? a.Name}]" : a.HelpName ?? a.Name));
        if (command.Subcommands.Count > 0) usage.Add("COMMAND");
        usage.AddRange(command.Options.Where(o => !o.Hidden && o is not HelpOption and not VersionOption).Select(o => $"[{OptionLabel(o)}]"));
        output.WriteLine("usage: " + string.Join(' ', usage));
        output.WriteLine();
        if (!string.IsNullOrWhiteSpace(command.Description))
        {
            output.WriteLine(command.Description.TrimEnd());
            output.WriteLine();
        }

        var rows = new List<(string Section, string Left, string Right)>();
        rows.AddRange(command.Arguments.Where(a => !a.Hidden).Select(a => ("arguments", a.HelpName ?? a.Name, a.Description ?? "")));
        rows.AddRange(command.Subcommands.Where(c => !c.Hidden).Select(c => ("commands", c.Name, (c as CliCommand)?.Summary ?? FirstLine(c.Description))));
        rows.AddRange(VisibleOptions(command).Select(o => ("options", OptionLabel(o), o is HelpOption ? "show this help" : o.Description ?? "")));
        var width = rows.Count == 0 ? 0 : Math.Min(28, rows.Max(r => r.Left.Length));
        foreach (var section in rows.GroupBy(r => r.Section))
        {
            output.WriteLine(section.Key + ":");
            foreach (var (_, left, right) in section)
            {
                output.WriteLine(left.Length > width ? $"  {left}\n  {new string(' ', width)}  {right}" : $"  {left.PadRight(width)}  {right}");
            }
            output.WriteLine();
        }
        var epilog = command is CliCommand c ? c.Epilog : command is RootCommand ? CommandLine.ExitCodeTable : null;
        if (epilog is not null)
        {
            output.WriteLine(epilog.TrimEnd());
        }
    }

    /// <summary>"watchdog bans add": the command's names from the root down.</summary>
    public static string Path(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c; s = c.Parents.FirstOrDefault())
            names.Insert(0, c is RootCommand ? "watchdog" : c.Name);
        return string.Join(' ', names);
    }

    private static IEnumerable<Option> VisibleOptions(Command command)
    {
        var own = command.Options.Where(o => !o.Hidden);
        // Recursive options of the root (--help) show on every command; --version only on the root.
        IEnumerable<Option> inherited = command is RootCommand ? [] : RootOf(command).Options.Where(o => o.Recursive && !o.Hidden);
        return own.Concat(inherited).Distinct();
    }

    private static Command RootOf(Command command)
    {
        var c = command;
        while (c.Parents.FirstOrDefault() is Command parent) c = parent;
        return c;
    }

    private static string OptionLabel(Option option)
    {
        var names = string.Join(", ", option.Aliases.Where(a => a.Length == 2 && a[0] == '-' && char.IsAsciiLetter(a[1])).Append(option.Name));
        var takesValue = option.Arity.MaximumNumberOfValues > 0 && option.ValueType != typeof(bool);
        if (!takesValue) return names;
        var value = option.HelpName ?? "VALUE";
        return option.Arity.MinimumNumberOfValues == 0 ? $"{names} [{value}]" : $"{names} {value}";
    }

    private static string FirstLine(string? text) => text?.Split('\n')[0].Trim() ?? "";
}
