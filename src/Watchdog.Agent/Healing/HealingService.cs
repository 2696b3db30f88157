using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Detection;
using Watchdog.Agent.State;
using Watchdog.Ami;
using Watchdog.Ami.Events;
using Watchdog.Agent.Sources;

namespace Watchdog.Agent.Healing;

/// <summary>
/// The healing loop: every tick the registration ladder, the hung-Asterisk monitor and the endpoint
/// alerts look at the state; Asterisk's messages log is tailed for registration failure causes and
/// RTP timeouts; AMI hangups with cause 44 feed the RTP-timeout monitor.
/// </summary>
public sealed class HealingService(
    HealingOptions options,
    AmiClient client,
    PbxStateStore store,
    RegistrationHealer registrations,
    HungAsteriskMonitor hung,
    RtpTimeoutMonitor rtp,
    RegistrationCauses causes,
    HealingMetrics metrics,
    RemediationRunner runner,
    EndpointAlerts endpoints,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService, IAmiEventObserver
{
    private readonly ILogger _logger = loggers.CreateLogger<HealingService>();
    private readonly List<AsteriskLogEvent> _pendingLogEvents = [];

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = client.Subscribe(this);
        runner.PrepareMetrics();
        var tail = options.AsteriskLogPath is { Length: > 0 } path ? TailAsteriskLogAsync(path, stoppingToken) : Task.CompletedTask;
        using var timer = new PeriodicTimer(options.TickInterval, time);
        try
        {
            do
            {
                metrics.PrepareEndpoints(store.Current.Endpoints.Keys);
                endpoints.Check();
                await registrations.TickAsync(stoppingToken).ConfigureAwait(false);
                await hung.TickAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        await tail.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask OnEventAsync(AmiMessage message, CancellationToken ct)
    {
        if (!message.IsEvent("Hangup"u8) || HangupEvent.From(message) is not { } hangup)
        {
            return ValueTask.CompletedTask;
        }
        var endpoint = ChannelState.EndpointOf(hangup.Channel);
        return endpoint.Length == 0
            ? ValueTask.CompletedTask
            : new ValueTask(rtp.OnHangupAsync(hangup.Channel, endpoint, hangup.Cause, hangup.WasUp, ct));
    }

    private async Task TailAsteriskLogAsync(string path, CancellationToken ct)
    {
        using var tailer = new LogTailer(new LogTailerOptions { Path = path, PollInterval = TimeSpan.FromMilliseconds(500), UseFileSystemWatcher = true }, time,
            loggers.CreateLogger<LogTailer>());
        try
        {
            await tailer.RunAsync(OnLogLine, ActOnLogEventsAsync, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void OnLogLine(ReadOnlySpan<byte> line)
    {
        // Cheap filter before decoding: the lines we act on are WARNING or NOTICE.
        if (line.IndexOf("WARNING["u8) < 0 && line.IndexOf("NOTICE["u8) < 0)
        {
            return;
        }
        if (AsteriskLogLine.Parse(Encoding.UTF8.GetString(line)) is { } e)
        {
            _pendingLogEvents.Add(e);
        }
    }

    private async ValueTask ActOnLogEventsAsync(CancellationToken ct)
    {
        foreach (var e in _pendingLogEvents)
        {
            switch (e)
            {
                case RegistrationFailureLogged failure:
                    causes.Record(failure);
                    var name = store.Current.Registrations.Values.FirstOrDefault(r =>
                        string.Equals(r.ClientUri, failure.ClientUri, StringComparison.OrdinalIgnoreCase))?.Name ?? "unknown";
                    metrics.RegistrationFailure(name, failure.Cause);
                    LogMessages.RegistrationFailureSeen(_logger, name, failure.Cause, failure.Permanent);
                    break;
                case RtpTimeoutLogged timeout when timeout.Endpoint.Length > 0:
                    await rtp.OnLoggedAsync(timeout.Channel, timeout.Endpoint, ct).ConfigureAwait(false);
                    break;
            }
        }
        _pendingLogEvents.Clear();
    }
}
