using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Detection;
using Watchdog.Ami;
using Watchdog.Agent.Sources;

namespace Watchdog.Agent.Security;

/// <summary>
/// Runs the ban pipeline: restores bans at start, lifts expired ones, and feeds it from sshd (auth.log,
/// or the journal where auth.log does not exist), from AMI security events, and optionally from
/// Asterisk's security log. The sources write failures into one <see cref="AuthFailureChannel"/>; the ban
/// policy consumes it here, on its own task, so no source (the AMI dispatch loop above all) waits for ufw.
/// </summary>
public sealed class SecurityService(
    SecuritySettings settings,
    BanManager bans,
    AmiClient client,
    IProcessRunner runner,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await bans.StartAsync(stoppingToken).ConfigureAwait(false);
        var failures = new AuthFailureChannel();
        using var subscription = client.Subscribe(new AmiSecurityEventSource(failures, time));
        var tasks = new List<Task>
        {
            Guard(DecideAsync(failures, stoppingToken), null, stoppingToken),
            Guard(bans.RunExpiryLoopAsync(stoppingToken), null, stoppingToken),
            SshAsync(failures, stoppingToken),
        };
        if (settings.AsteriskSecurityLogPath is { Length: > 0 } securityLog)
        {
            var tailer = Tailer(securityLog);
            tasks.Add(Guard(new AsteriskSecurityLogSource(tailer, failures, time).RunAsync(stoppingToken), tailer, stoppingToken));
        }
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>The ban policy's loop: one failure at a time, in the order they were detected.</summary>
    private async Task DecideAsync(AuthFailureChannel failures, CancellationToken ct)
    {
        var logger = loggers.CreateLogger<SecurityService>();
        long reportedDrops = 0;
        await foreach (var failure in failures.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            await bans.RecordFailureAsync(failure, ct).ConfigureAwait(false);
            if (failures.Dropped != reportedDrops)
            {
                reportedDrops = failures.Dropped;
                LogMessages.AuthFailuresDropped(logger, reportedDrops);
            }
        }
    }

    private Task SshAsync(IAuthFailureSink sink, CancellationToken ct)
    {
        if (File.Exists(settings.AuthLogPath) || !File.Exists(settings.Journal.JournalctlPath))
        {
            var tailer = Tailer(settings.AuthLogPath);
            return Guard(new SshAuthLogSource(tailer, sink, time).RunAsync(ct), tailer, ct);
        }
        return Guard(new JournalSshSource(settings.Journal, runner, sink, time, loggers.CreateLogger<JournalSshSource>()).RunAsync(ct), null, ct);
    }

    private LogTailer Tailer(string path) =>
        new(new LogTailerOptions { Path = path, PollInterval = settings.PollInterval, UseFileSystemWatcher = true }, time, loggers.CreateLogger<LogTailer>());

    private static async Task Guard(Task run, IDisposable? owned, CancellationToken ct)
    {
        try
        {
            await run.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            owned?.Dispose();
        }
    }
}
