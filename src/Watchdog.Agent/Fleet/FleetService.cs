using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Security;

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
            var delay = options.ReconnectInitialDelay;
            while (true)
            {
                try
                {
                    await broker.ConnectAsync(stoppingToken).ConfigureAwait(false);
                    break;
                }
                catch (FleetBrokerException e)
                {
                    LogMessages.FleetDisconnected(logger, broker.Description, e.Message);
                    await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.ReconnectMaxDelay.Ticks));
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
