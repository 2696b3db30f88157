using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Watchdog.Agent.Alerting;

/// <summary>
/// One channel's queue and retry loop, so that a failing or stalled channel delays only itself.
/// </summary>
internal sealed class ChannelDelivery
{
    private readonly INotifier _notifier;
    private readonly RetryBackoff _backoff;
    private readonly int _maxAttempts;
    private readonly TimeSpan _sendTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Notification> _queue;

    public ChannelDelivery(INotifier notifier, AlertingOptions options, TimeProvider time, ILogger logger)
    {
        _notifier = notifier;
        _backoff = new RetryBackoff(options.Retry.InitialDelay, options.Retry.MaxDelay);
        _maxAttempts = options.Retry.MaxAttempts;
        _sendTimeout = options.SendTimeout;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<Notification>(
            new BoundedChannelOptions(options.ChannelQueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => AlertingLog.NotificationDropped(_logger, _notifier.Name));
    }

    public string Name => _notifier.Name;

    /// <summary>How the last notification went (null until one was sent or given up on).</summary>
    public DeliveryReport? Last { get; private set; }

    public void Enqueue(Notification notification) => _queue.Writer.TryWrite(notification);

    /// <summary>One attempt, bounded by the send timeout, for the last group when the agent stops; failures are logged.</summary>
    public async Task SendOnceAsync(Notification notification)
    {
        using var timeout = new CancellationTokenSource(_sendTimeout, _time);
        try
        {
            await _notifier.SendAsync(notification, timeout.Token);
            Last = new DeliveryReport(true, _time.GetUtcNow(), null);
            AlertingLog.Delivered(_logger, _notifier.Name, 1);
        }
        catch (Exception e) when (e is NotificationException or OperationCanceledException or HttpRequestException or IOException)
        {
            Last = new DeliveryReport(false, _time.GetUtcNow(), e.Message);
            AlertingLog.GaveUp(_logger, _notifier.Name, 1, e.GetType().Name, e.Message);
        }
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var notification in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await DeliverAsync(notification, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(Notification notification, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            Exception failure;
            using (var timeout = new CancellationTokenSource(_sendTimeout, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token))
            {
                try
                {
                    await _notifier.SendAsync(notification, linked.Token);
                    Last = new DeliveryReport(true, _time.GetUtcNow(), null);
                    AlertingLog.Delivered(_logger, _notifier.Name, attempt);
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Any failure of a channel, timeouts included, is the channel's problem, not the agent's.
                    failure = ex;
                }
            }

            // Only the type and message are logged: a transport's inner exceptions may quote request URLs.
            var error = failure is OperationCanceledException ? $"no answer within {_sendTimeout}" : failure.Message;
            if (attempt >= _maxAttempts)
            {
                Last = new DeliveryReport(false, _time.GetUtcNow(), error);
                AlertingLog.GaveUp(_logger, _notifier.Name, attempt, failure.GetType().Name, error);
                return;
            }

            var delay = _backoff.DelayBefore(attempt);
            if (failure is NotificationException { RetryAfter: { } asked } && asked > delay)
            {
                delay = asked;
            }

            // The timer exists before the line is logged, so whoever advances a clock on seeing it cannot miss it.
            var wait = Task.Delay(delay, _time, stoppingToken);
            AlertingLog.RetryScheduled(_logger, _notifier.Name, attempt, failure.GetType().Name, error, delay);
            await wait;
        }
    }
}

/// <summary>The outcome of a channel's last notification: delivered, or given up on with the error.</summary>
public sealed record DeliveryReport(bool Delivered, DateTimeOffset At, string? Error);
