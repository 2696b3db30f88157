using System.CommandLine;
using System.Text.Json;
using Watchdog.Agent;
using Watchdog.Cli;
using Watchdog.Configuration;

namespace Watchdog;

/// <summary><c>watchdog check-config [--config FILE] [--json]</c>: loads and validates the configuration, listing every problem.</summary>
internal static class CheckConfigCommand
{
    public static Command Create(CliContext context)
    {
        var config = CommonOptions.Config("the configuration (default /etc/watchdog/watchdog.json)");
        var json = CommonOptions.Json("print { file, ok, problems, warnings, notes } as JSON");
        var command = new CliCommand("check-config", """
            Loads FILE with the Watchdog__Section__Key environment overrides and …File secrets, exactly as
            'watchdog run' does, and checks every section: unknown keys (with the closest known one), JSON
            errors with line and column, wrong types, unreadable secret files, and each option's own rules.
            Prints "config OK: FILE" or every problem at once, then a warning for every input the agent
            would miss (Asterisk's log, auth.log or the journal, logger.conf's verbose channel).
            Nothing is connected to or changed.
            """)
        {
            Summary = "validate the configuration, listing every problem",
            Options = { config, json },
            Epilog = "exit codes: 0 valid (warnings do not fail it); 64 the command line is wrong; 78 invalid, missing or unreadable.",
        };
        command.SetAction((parse, ct) => RunAsync(context, parse.GetValue(config), parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string? path, bool json, CancellationToken ct)
    {
        var loaded = ConfigCheck.Load(path);
        IReadOnlyList<string> warnings = [];
        var notes = new List<string>();
        if (loaded.Problems.Count == 0)
        {
            warnings = InputCheck.Run(loaded.Settings!).Warnings;
            var settings = loaded.Settings!;
            if (!settings.Api.IsLoopback)
                notes.Add($"Api:ListenUrl {settings.Api.ListenUrl} is not loopback: anyone who can reach it can read the status and add or lift bans (put a proxy with authentication in front, or firewall it)");
            if (settings.Actuators.DryRun) notes.Add("Actuators:DryRun is on: healing and bans are logged, not done");
            // The providers' ranges are configured once; pjsip.conf's identify match= must agree with them.
            foreach (var f in await Watchdog.Agent.Diagnosis.ProviderRangeAudit.CheckAsync(settings.Diagnosis, ct))
                notes.Add($"{f.Subject}: {f.Found}{(f.Fix.Length > 0 ? " — fix: " + f.Fix : "")}");
        }
        var code = loaded.Problems.Count == 0 ? ExitCodes.Ok : ExitCodes.BadConfig;

        if (json)
        {
            context.Output.WriteLine(JsonSerializer.Serialize(new CheckConfigReport(loaded.Path, code == 0, loaded.Problems, warnings, notes),
                CliOutputJsonContext.Default.CheckConfigReport));
            return code;
        }
        if (loaded.Fatal)
        {
            context.Fail(loaded.Problems[0]);
            return code;
        }
        if (loaded.Problems.Count > 0)
        {
            context.Error.WriteLine($"config has {loaded.Problems.Count} problem(s): {loaded.Path}");
            foreach (var p in loaded.Problems) context.Error.WriteLine($"  - {p}");
            return code;
        }
        context.Output.WriteLine($"config OK: {loaded.Path}");
        foreach (var w in warnings) context.Output.WriteLine($"warning: {w}");
        foreach (var n in notes) context.Output.WriteLine($"note: {n}");
        return code;
    }
}
