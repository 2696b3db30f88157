using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Watchdog.Agent.Alerting;

/// <summary>
/// The alert pipeline: producers call <see cref="Publish"/> (never blocks); repeats are dropped,
/// bursts grouped into one message, recoveries sent only for problems that were sent, and each
/// channel delivers with its own retries. Run it as a hosted service.
/// </summary>
public sealed class AlertDispatcher : BackgroundService, IAlertPublisher
{
    private readonly Channel<Alert> _intake;
    private readonly AlertGrouper _grouper;
    private readonly NotificationRenderer _renderer;
    private readonly IReadOnlyList<ChannelDelivery> _deliveries;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _groupWait;
    private readonly Lock _gate = new();
    private ITimer? _flushTimer;
    private bool _stopped;

    /// <summary>Creates the dispatcher over the given channels.</summary>
    public AlertDispatcher(IEnumerable<INotifier> notifiers, IOptions<AlertingOptions> options, TimeProvider time, ILogger<AlertDispatcher> logger)
    {
        var o = options.Value;
        if (o.Validate() is { Count: > 0 } problems)
        {
            throw new OptionsValidationException(nameof(AlertingOptions), typeof(AlertingOptions), problems);
        }

        _time = time;
        _logger = logger;
        _groupWait = o.GroupWait;
        _grouper = new AlertGrouper(o.GroupWait, o.DedupWindow);
        _renderer = new NotificationRenderer(o.Language, o.InstanceName);
        _deliveries = notifiers.Select(n => new ChannelDelivery(n, o, time, logger)).ToArray();
        _intake = Channel.CreateBounded<Alert>(
            new BoundedChannelOptions(o.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped => AlertingLog.AlertDropped(_logger, dropped.Key, dropped.Kind));
    }

    /// <summary>Names of the channels in use.</summary>
    public IReadOnlyList<string> ChannelNames => _deliveries.Select(d => d.Name).ToArray();

    /// <summary>Each channel with how its last notification went (null: nothing sent yet).</summary>
    public IReadOnlyList<(string Name, DeliveryReport? Last)> Channels => _deliveries.Select(d => (d.Name, d.Last)).ToArray();

    /// <summary>
    /// Hands an alert to the pipeline without waiting. When the queue is full the oldest waiting alert
    /// is dropped (and logged). Returns false only after the dispatcher has stopped.
    /// </summary>
    public bool Publish(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return _intake.Writer.TryWrite(alert);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_deliveries.Count == 0)
        {
            AlertingLog.NoChannels(_logger);
        }

        var deliveries = _deliveries.Select(d => d.RunAsync(stoppingToken)).ToArray();
        _flushTimer = _time.CreateTimer(_ => Flush(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        try
        {
            await foreach (var alert in _intake.Reader.ReadAllAsync(stoppingToken))
            {
                Admit(alert);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _intake.Writer.TryComplete();
            lock (_gate)
            {
                _stopped = true;
            }

            await _flushTimer.DisposeAsync();
            await Task.WhenAll(deliveries);

            // Nothing lost on a stop: the group still waiting is sent now, one bounded attempt per channel.
            IReadOnlyList<Alert> last;
            lock (_gate)
            {
                last = _grouper.TakeAll(_time.GetUtcNow());
            }
            if (last.Count > 0 && _deliveries.Count > 0)
            {
                var notification = _renderer.Render(last);
                AlertingLog.GroupFlushed(_logger, last.Count, _deliveries.Count);
                await Task.WhenAll(_deliveries.Select(d => d.SendOnceAsync(notification)));
            }
        }
    }

    private void Admit(Alert alert)
    {
        lock (_gate)
        {
            var outcome = _grouper.Admit(alert, _time.GetUtcNow());
            if (outcome == AdmitOutcome.OpenedGroup)
            {
                _flushTimer?.Change(_groupWait, Timeout.InfiniteTimeSpan);
            }

            // Logged after the timer is armed, so whoever advances a clock on seeing it cannot miss the flush.
            AlertingLog.AlertAdmitted(_logger, alert.Key, alert.Kind, outcome, _grouper.PendingCount);
        }
    }

    private void Flush()
    {
        IReadOnlyList<Alert>? batch;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            batch = _grouper.TakeDue(now);
            if (batch is null && !_stopped && _grouper.FlushDueAt is { } due)
            {
                // The wall clock lags the timer (it was set back); wait for the rest rather than strand the group.
                _flushTimer?.Change(TimeSpan.FromTicks(Math.Max(due.Ticks - now.Ticks, TimeSpan.TicksPerMillisecond)), Timeout.InfiniteTimeSpan);
            }
        }

        if (batch is null or { Count: 0 })
        {
            return;
        }

        foreach (var alert in batch)
        {
            AlertingLog.AlertNotified(_logger, alert.Key, alert.Kind, alert.Severity, alert.Subject);
        }

        var notification = _renderer.Render(batch);
        AlertingLog.GroupFlushed(_logger, batch.Count, _deliveries.Count);
        foreach (var delivery in _deliveries)
        {
            delivery.Enqueue(notification);
        }
    }
}
