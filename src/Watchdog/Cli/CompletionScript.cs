using System.CommandLine;

namespace Watchdog.Cli;

/// <summary>
/// <c>watchdog completion bash</c>: a script for <c>/etc/bash_completion.d/watchdog</c> that asks the executable
/// itself (System.CommandLine's <c>[suggest]</c> directive), so completion always matches the installed version.
/// </summary>
internal static class CompletionScript
{
    public const string Bash = """
        # bash completion for watchdog: source it, or save it as /etc/bash_completion.d/watchdog
        _watchdog_complete() {
            local IFS=$'\n'
            local candidates
            candidates=$("${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)
            COMPREPLY=( $(compgen -W "${candidates}" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _watchdog_complete watchdog
        """;

    public static Command Create(CliContext context)
    {
        var shell = new Argument<string>("shell") { HelpName = "SHELL", Description = "the shell: bash" };
        shell.AcceptOnlyFromAmong("bash");
        var command = new CliCommand("completion", "print a shell completion script: watchdog completion bash > /etc/bash_completion.d/watchdog")
        {
            Arguments = { shell },
            Epilog = "exit codes: 0 printed; 64 unknown shell.",
        };
        command.SetAction(_ =>
        {
            context.Output.WriteLine(Bash);
            return ExitCodes.Ok;
        });
        return command;
    }
}
