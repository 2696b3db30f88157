using System.CommandLine;
using System.Text.Json;
using Watchdog.Cli;

namespace Watchdog;

/// <summary><c>watchdog maintenance on [--for D] [--reason TEXT] | off</c>: pause healing while someone works on the PBX.</summary>
internal static class MaintenanceCommand
{
    private const string Epilog = """
        exit codes: 0 done; 1 the agent refused; 2 the agent is not reachable; 64 the command line is wrong.
        """;

    public static Command Create(CliContext context)
    {
        var maintenance = new CliCommand("maintenance", """
            Maintenance mode: while it is on, the agent keeps watching and alerting but takes no healing
            action (no re-register, reload or restart), so work on Asterisk is not undone. 'watchdog status'
            shows it.
            """) {
            Summary = "pause healing while someone works on Asterisk", Epilog = Epilog };

        var url = CommonOptions.Url();
        var duration = CommonOptions.Duration("--for", "how long, such as 30m or 2h (default: until 'maintenance off')");
        var reason = new Option<string?>("--reason") { HelpName = "TEXT", Description = "why, shown in status and alerts" };
        var on = new CliCommand("on", "start maintenance (again: the new end time replaces the old)") { Options = { duration, reason, url }, Epilog = Epilog };
        on.SetAction((parse, ct) => BansCommand.Call(context, parse.GetValue(url)!, async client =>
        {
            var answer = await client.SendJsonAsync(HttpMethod.Post, "api/maintenance",
                new MaintenanceBody(parse.GetValue(duration)?.TotalSeconds, parse.GetValue(reason)), CliJsonContext.Default.MaintenanceBody, ct);
            await context.Output.WriteLineAsync("maintenance on" + Until(answer) + ": healing actions are paused");
            return ExitCodes.Ok;
        }));

        var offUrl = CommonOptions.Url();
        var off = new CliCommand("off", "end maintenance: healing acts again") { Options = { offUrl }, Epilog = Epilog };
        off.SetAction((parse, ct) => BansCommand.Call(context, parse.GetValue(offUrl)!, async client =>
        {
            await client.SendJsonAsync(HttpMethod.Delete, "api/maintenance", null, CliJsonContext.Default.MaintenanceBody, ct);
            await context.Output.WriteLineAsync("maintenance off: healing acts again");
            return ExitCodes.Ok;
        }));

        maintenance.Subcommands.Add(on);
        maintenance.Subcommands.Add(off);
        return maintenance;
    }

    /// <summary>" until …" from the agent's answer when it says; the agent decides the real end.</summary>
    private static string Until(string answer)
    {
        if (string.IsNullOrWhiteSpace(answer)) return "";
        try
        {
            using var doc = JsonDocument.Parse(answer);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("maintenance", out var m)) root = m;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("until", out var until)) return "";
            return until.TryGetDateTimeOffset(out var t) ? $" until {StatusRenderer.Time(t)}" : " until turned off";
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
