using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Security;
using Watchdog.Ami;

namespace Watchdog.Agent.Fleet;

/// <summary>
/// Offers this agent's decisions to the fleet: observes the ban pipeline, queues what it decided itself (never
/// blocking it), signs and publishes the queue in order, and keeps a decision until the broker took it, so
/// a broker outage delays decisions and loses none (up to <see cref="FleetOptions.PublishQueueCapacity"/>).
/// </summary>
public sealed class FleetPublisher : IBanObserver
{
    private readonly FleetOptions _options;
    private readonly IFleetBroker _broker;
    private readonly FleetSigner _signer;
    private readonly FleetMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<FleetDecision> _queue;
    private readonly SemaphoreSlim _retry = new(0);

    /// <summary>Creates the publisher.</summary>
    public FleetPublisher(FleetOptions options, IFleetBroker broker, FleetSigner signer, FleetMetrics metrics, TimeProvider time, ILogger logger)
    {
        _options = options;
        _broker = broker;
        _signer = signer;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<FleetDecision>(
            new BoundedChannelOptions(options.PublishQueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped =>
            {
                _metrics.Published("dropped");
                LogMessages.FleetQueueFull(_logger, dropped.Action, dropped.Address);
            });
        broker.Wake += () => _retry.Release();
    }

    /// <summary>Decisions waiting for the broker.</summary>
    public int Pending => _queue.Reader.Count;

    /// <inheritdoc />
    public void OnBanned(BanEntry entry)
    {
        if (entry.Fleet && entry.Origin == BanEntry.LocalOrigin)
        {
            _queue.Writer.TryWrite(FleetDecision.Create(FleetDecision.Ban, entry, entry.Reason, _options.AgentName, _time.GetUtcNow()));
        }
    }

    /// <inheritdoc />
    public void OnUnbanned(BanEntry entry, string reason)
    {
        // Our own fleet bans are lifted fleet-wide when they end here; an operator's unban here lifts a fleet ban everywhere.
        if (entry.Fleet && reason != BanManager.FleetUnbanReason && (entry.Origin == BanEntry.LocalOrigin || reason == "manual"))
        {
            _queue.Writer.TryWrite(FleetDecision.Create(FleetDecision.Unban, entry, reason, _options.AgentName, _time.GetUtcNow()));
        }
    }

    /// <summary>Publishes the queue until cancelled; a failed publish is retried after the broker is back.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new ReconnectBackoff(_options.ReconnectInitialDelay, _options.ReconnectMaxDelay, jitter: 0);
        var failures = 0;
        while (await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!_queue.Reader.TryPeek(out var decision))
            {
                continue;
            }

            try
            {
                if (!_broker.IsConnected)
                {
                    throw new FleetBrokerException("not connected");
                }

                await _broker.PublishAsync(decision, _signer.Sign(decision), cancellationToken).ConfigureAwait(false);
                _queue.Reader.TryRead(out _);
                _metrics.Published("sent");
                failures = 0;
            }
            catch (FleetBrokerException e)
            {
                _metrics.Published("retried");
                if (_broker.IsConnected)
                {
                    LogMessages.FleetCallFailed(_logger, e.Message);
                }

                // Woken early when the connection comes back; wake-ups from before the failure do not count.
                while (_retry.Wait(0))
                {
                }

                await _retry.WaitAsync(backoff.DelayFor(failures++), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
