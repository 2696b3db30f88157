using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Watchdog.Cli;

namespace Watchdog;

/// <summary><c>watchdog status [--url URL] [--json | --format nagios] [--watch [SECONDS]]</c>: what the running agent sees.</summary>
internal static class StatusCommand
{
    public static Command Create(CliContext context)
    {
        var url = CommonOptions.Url();
        var json = CommonOptions.Json("print the agent's /api/status document as it is (indented), for scripts");
        var format = new Option<string>("--format") { HelpName = "FORMAT", Description = "text (default) or nagios: one line 'WATCHDOG OK - …' with Nagios plugin exit codes", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "nagios");
        var watch = new Option<int?>("--watch") { HelpName = "SECONDS", Arity = ArgumentArity.ZeroOrOne, Description = "redraw every SECONDS (default 2) until Ctrl+C" };
        watch.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is <= 0) r.AddError("--watch wants a positive number of seconds");
        });
        var command = new CliCommand("status", """
            Asks the running agent (GET URL/api/status) what it sees: the agent itself (version, uptime, config,
            what is enabled, the hourly action budget, alert channels and their last delivery, warnings about
            missing inputs), the AMI link, Asterisk, registrations with their last failure cause, endpoints and
            contact round-trip times, bans and the last actions. Fits the terminal (COLUMNS first).
            """)
        {
            Summary = "what the running agent sees (exit 0 healthy, 1 degraded, 2 unreachable)",
            Options = { url, json, format, watch },
            Epilog = """
                exit codes: 0 healthy; 1 degraded (AMI down, a registration not registered, or an endpoint with
                unreachable contacts); 2 the agent is not reachable; 64 the command line is wrong.
                --format nagios: 0 OK, 1 WARNING (an endpoint unreachable), 2 CRITICAL (AMI or a registration down),
                3 UNKNOWN (the agent is not reachable).
                """,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new Request(parse.GetValue(url)!, parse.GetValue(json), parse.GetValue(format) == "nagios");
            if (parse.GetResult(watch) is null) return await OnceAsync(context, options, ct);
            var every = TimeSpan.FromSeconds(parse.GetValue(watch) ?? 2);
            var code = ExitCodes.Ok;
            while (!ct.IsCancellationRequested)
            {
                if (context.Terminal) await context.Output.WriteAsync("\u001b[H\u001b[2J");
                code = await OnceAsync(context, options, ct);
                try
                {
                    await Task.Delay(every, ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    break;
                }
            }
            return code;
        });
        return command;
    }

    /// <summary>Kept for callers that pass the arguments after <c>status</c>.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) => Program.RunAsync(["status", .. args], output, error);

    private sealed record Request(Uri Url, bool Json, bool Nagios);

    private static async Task<int> OnceAsync(CliContext context, Request request, CancellationToken ct)
    {
        using var client = new AgentClient(request.Url, TimeSpan.FromSeconds(10));
        string text;
        StatusView? status;
        try
        {
            text = await client.StatusJsonAsync(ct);
            status = JsonSerializer.Deserialize(text, CliJsonContext.Default.StatusView)
                ?? throw new JsonException("the document is empty");
        }
        catch (Exception e) when (e is AgentUnreachableException or AgentRefusedException or JsonException)
        {
            var message = e is JsonException ? $"{request.Url} did not answer with a watchdog status document: {e.Message}" : e.Message;
            if (request.Nagios)
            {
                await context.Output.WriteLineAsync($"WATCHDOG UNKNOWN - {message}");
                return 3;
            }
            context.Fail(message);
            return ExitCodes.Unreachable;
        }

        var problems = StatusHealth.Problems(status, DateTimeOffset.UtcNow);
        if (request.Nagios) return await NagiosAsync(context.Output, status, problems);
        if (request.Json)
        {
            await context.Output.WriteLineAsync(CliOutputJsonContext.Indent(text));
        }
        else
        {
            StatusRenderer.Render(context.Output, status, problems, StatusRenderer.Width(context.Terminal), context.Terminal, DateTimeOffset.UtcNow);
        }
        return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Degraded;
    }

    private static async Task<int> NagiosAsync(TextWriter output, StatusView s, IReadOnlyList<string> problems)
    {
        var critical = !string.Equals(s.Ami.State, "connected", StringComparison.OrdinalIgnoreCase) || s.Registrations.Any(r => !r.Registered);
        var (word, code) = problems.Count == 0 ? ("OK", 0) : critical ? ("CRITICAL", 2) : ("WARNING", 1);
        var registered = s.Registrations.Count(r => r.Registered);
        var reachable = s.Endpoints.Count(e => e.Reachable == true);
        var summary = problems.Count > 0 ? string.Join("; ", problems)
            : $"AMI connected, {registered}/{s.Registrations.Count} registered, {reachable}/{s.Endpoints.Count} endpoints reachable";
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"WATCHDOG {word} - {summary} | registered={registered};;;0;{s.Registrations.Count} reachable={reachable};;;0;{s.Endpoints.Count} channels={s.Channels.Active} bans={s.Bans.Count}{(s.Stale == true && s.StaleSeconds is { } age ? " stale=" + age.ToString("0", CultureInfo.InvariantCulture) + "s" : "")}"));
        return code;
    }
}
