using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Api;
using Watchdog.Agent;
using Watchdog.Agent.Hosting;
using Watchdog.Cli;
using Watchdog.Configuration;
using Watchdog.Hosting;

namespace Watchdog;

/// <summary><c>watchdog run [--config FILE]</c>: the agent.</summary>
internal static class RunCommand
{
    public static Command Create(CliContext context)
    {
        var config = CommonOptions.Config("the configuration (default /etc/watchdog/watchdog.json)");
        var command = new CliCommand("run", """
            Runs the agent: connects to Asterisk's AMI, tracks registrations, endpoints and calls, serves
            /metrics and /api/status (Api:ListenUrl, loopback by default), alerts, heals and bans.
            Watchdog__Section__Key environment variables override the file (e.g. Watchdog__Ami__Host=10.0.0.5).
            The first log line says what runs: version, config, API URL, what is enabled and dry-run;
            each missing input (Asterisk's log, auth.log or the journal) is a warning.
            """)
        {
            Summary = "the agent itself (what systemd runs)",
            Options = { config },
            Epilog = """
                exit codes: 0 stopped; 1 could not start (e.g. the API port is in use) or failed; 64 the command
                line is wrong; 78 the configuration is invalid (systemd does not restart on 78: fix the file).
                """,
        };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(config), context, ct));
        return command;
    }

    private static async Task<int> RunAsync(string? configPath, CliContext context, CancellationToken ct)
    {
        var loaded = ConfigCheck.Load(configPath);
        if (loaded.Problems.Count > 0)
        {
            context.Fail($"the configuration has {loaded.Problems.Count} problem(s): {loaded.Path}");
            foreach (var p in loaded.Problems) await context.Error.WriteLineAsync($"  - {p}");
            return ExitCodes.BadConfig;
        }

        var (settings, warnings) = InputCheck.Run(loaded.Settings!);
        var facts = new AgentFacts(AgentVersion.Text, TimeProvider.System.GetUtcNow(), loaded.Path, settings.Healing.Enabled, settings.Security.Enabled,
            settings.Actuators.DryRun, settings.Healing.MaxActionsPerHour, warnings);
        try
        {
            await using var app = WatchdogAgentHost.Build(settings, new AgentOverrides
            {
                ConfigureLogging = AgentLogging.Console,
                ConfigureServices = services => AgentSectionRegistration.Add(services, facts),
            });
            await app.StartAsync(ct);
            var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Watchdog");
            StartupLine.Log(log, StartupLine.Text(facts, settings));
            foreach (var w in warnings) StartupLine.Warn(log, w);
            await app.WaitForShutdownAsync(ct);
            // The host stops when a background part fails: that is not a clean exit, and systemd must restart us.
            if (app.Services.GetServices<IHostedService>().OfType<BackgroundService>().FirstOrDefault(s => s.ExecuteTask is { IsFaulted: true }) is { } failed)
            {
                context.Fail($"the agent stopped because {failed.GetType().Name} failed: {Describe(failed.ExecuteTask!.Exception!.GetBaseException())}");
                return ExitCodes.Degraded;
            }
            return ExitCodes.Ok;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // One line, no stack trace: "address already in use" is the operator's to fix, not a crash.
            context.Fail($"could not start the agent: {Describe(e)}");
            return ExitCodes.Degraded;
        }
    }

    private static string Describe(Exception e)
    {
        var message = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!message.Contains(inner.Message, StringComparison.Ordinal)) message += ": " + inner.Message;
        }
        return message.ReplaceLineEndings(" ");
    }
}
