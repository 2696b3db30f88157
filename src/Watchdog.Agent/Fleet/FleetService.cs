using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Security;
using Watchdog.Ami;

namespace Watchdog.Agent.Fleet;

/// <summary>
/// Runs the fleet: observes the ban pipeline from the start, connects to the broker (which then reconnects by
/// itself with back-off), and publishes and receives until the host stops. A broker that is down or refuses
/// us never stops local detection and bans: they do not wait for anything here.
/// </summary>
public sealed class FleetService(
    IFleetBroker broker, FleetPublisher publisher, FleetReceiver receiver, BanManager bans, FleetOptions options,
    TimeProvider time, ILogger<FleetService> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = bans.Subscribe(publisher);
        try
        {
            await bans.Started.WaitAsync(stoppingToken).ConfigureAwait(false);
            var backoff = new ReconnectBackoff(options.ReconnectInitialDelay, options.ReconnectMaxDelay, jitter: 0);
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await broker.ConnectAsync(stoppingToken).ConfigureAwait(false);
                    break;
                }
                catch (FleetBrokerException e)
                {
                    LogMessages.FleetDisconnected(logger, broker.Description, e.Message);
                    await Task.Delay(backoff.DelayFor(attempt), time, stoppingToken).ConfigureAwait(false);
                }
            }

            await Task.WhenAll(publisher.RunAsync(stoppingToken), receiver.RunAsync(stoppingToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await broker.DisposeAsync().ConfigureAwait(false);
    }
}
