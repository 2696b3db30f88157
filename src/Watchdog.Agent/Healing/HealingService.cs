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
/// The healing decision loops, on their own tasks: every tick the registration healer, the hung-Asterisk
/// monitor, the service monitor and the endpoint alerts look at the state; incidents (RTP timeouts,
/// registration failure causes) are consumed from the <see cref="IncidentChannel"/>. The AMI observer and
/// <see cref="HealingLogObserver"/> (on the one reader of Asterisk's log) only publish incidents: nothing awaited on the AMI dispatch path can stall the state model.
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
    IncidentChannel incidents,
    TimeProvider time,
    ILoggerFactory loggers,
    AsteriskServiceMonitor? service = null,
    MaintenanceAlerts? maintenance = null) : BackgroundService, IAmiEventObserver
{
    private readonly ILogger _logger = loggers.CreateLogger<HealingService>();

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = client.Subscribe(this);
        runner.PrepareMetrics();
        var consume = ConsumeIncidentsAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.TickInterval, time);
        try
        {
            do
            {
                metrics.PrepareEndpoints(store.Current.Endpoints.Keys);
                maintenance?.Check();
                endpoints.Check();
                await registrations.TickAsync(stoppingToken).ConfigureAwait(false);
                await hung.TickAsync(stoppingToken).ConfigureAwait(false);
                if (service is not null) await service.TickAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        await consume.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask OnEventAsync(AmiMessage message, CancellationToken ct)
    {
        if (message.IsEvent("Hangup"u8) && HangupEvent.From(message) is { } hangup
            && RtpTimeoutMonitor.IsRtpTimeoutHangup(hangup.Cause, hangup.WasUp)
            && ChannelState.EndpointOf(hangup.Channel) is { Length: > 0 } endpoint)
        {
            incidents.Publish(new RtpTimeoutIncident(time.GetUtcNow(), hangup.Channel, endpoint));
        }
        return ValueTask.CompletedTask;
    }

    private async Task ConsumeIncidentsAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var incident in incidents.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                switch (incident)
                {
                    case RtpTimeoutIncident timeout:
                        await rtp.RecordAsync(timeout.Channel, timeout.Endpoint, ct).ConfigureAwait(false);
                        break;
                    case RegistrationFailureIncident { Failure: var failure }:
                        causes.Record(failure);
                        var name = store.Current.Registrations.Values.FirstOrDefault(r =>
                            string.Equals(r.ClientUri, failure.ClientUri, StringComparison.OrdinalIgnoreCase))?.Name ?? "unknown";
                        // Known by name at once, so the status shows the cause as soon as the metric counts it.
                        if (name != "unknown") causes.Learn(name, failure.ClientUri);
                        metrics.RegistrationFailure(name, failure.Cause);
                        LogMessages.RegistrationFailureSeen(_logger, name, failure.Cause, failure.Permanent);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
