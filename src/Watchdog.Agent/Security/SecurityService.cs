using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Logs;
using Watchdog.Ami;

namespace Watchdog.Agent.Security;

/// <summary>
/// Runs the ban pipeline: restores bans at start, lifts expired ones, and feeds it from sshd (auth.log,
/// or the journal where auth.log does not exist), from AMI security events, and optionally from
/// Asterisk's security log. The sources write to <paramref name="failures"/> (the <see cref="ProviderTrafficFilter"/>
/// in front of <paramref name="bans"/>, so a trunk provider's requests are never counted as failures).
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
        using var subscription = client.Subscribe(new AmiSecurityEventSource(failures, time));
        var tasks = new List<Task> { Guard(bans.RunExpiryLoopAsync(stoppingToken), null, stoppingToken), SshAsync(stoppingToken) };
        if (settings.AsteriskSecurityLogPath is { Length: > 0 } securityLog)
        {
            var tailer = Tailer(securityLog);
            tasks.Add(Guard(new AsteriskSecurityLogSource(tailer, failures, time).RunAsync(stoppingToken), tailer, stoppingToken));
        }
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private Task SshAsync(CancellationToken ct)
    {
        if (File.Exists(settings.AuthLogPath) || !File.Exists(settings.Journal.JournalctlPath))
        {
            var tailer = Tailer(settings.AuthLogPath);
            return Guard(new SshAuthLogSource(tailer, failures, time).RunAsync(ct), tailer, ct);
        }
        return Guard(new JournalSshSource(settings.Journal, runner, failures, time, loggers.CreateLogger<JournalSshSource>()).RunAsync(ct), null, ct);
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
