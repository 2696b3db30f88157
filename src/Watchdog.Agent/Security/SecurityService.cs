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
/// policy consumes it here, on its own task, so no source (the AMI dispatch loop above all) waits for ufw. The
/// consumer hands each failure to <paramref name="failures"/> (the <see cref="ProviderTrafficFilter"/> in front of
/// <paramref name="bans"/>, so a trunk provider's requests are never counted as failures).
/// </summary>
public sealed class SecurityService(
    SecuritySettings settings,
    BanManager bans,
    IAuthFailureSink failures,
    AmiClient client,
    IProcessRunner runner,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await bans.StartAsync(stoppingToken).ConfigureAwait(false);
        var queue = new AuthFailureChannel();
        using var subscription = client.Subscribe(new AmiSecurityEventSource(queue, time));
        var tasks = new List<Task>
        {
            Guard(DecideAsync(queue, stoppingToken), null, stoppingToken),
            Guard(bans.RunExpiryLoopAsync(stoppingToken), null, stoppingToken),
            SshAsync(queue, stoppingToken),
        };
        if (settings.AsteriskSecurityLogPath is { Length: > 0 } securityLog)
        {
            var tailer = Tailer(securityLog);
            tasks.Add(Guard(new AsteriskSecurityLogSource(tailer, queue, time).RunAsync(stoppingToken), tailer, stoppingToken));
        }
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>The ban policy's loop: one failure at a time, in the order they were detected.</summary>
    private async Task DecideAsync(AuthFailureChannel queue, CancellationToken ct)
    {
        var logger = loggers.CreateLogger<SecurityService>();
        long reportedDrops = 0;
        await foreach (var failure in queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            await failures.RecordFailureAsync(failure, ct).ConfigureAwait(false);
            if (queue.Dropped != reportedDrops)
            {
                reportedDrops = queue.Dropped;
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
