using Microsoft.Extensions.Logging;
using Watchdog.Agent.Alerting;
using Watchdog.Agent.Actuators;

namespace Watchdog.Agent.Healing;

/// <summary>
/// Counts calls that die for lack of RTP, per endpoint (<c>asterisk_rtp_timeouts_total</c>), from
/// Asterisk's log line and from the Hangup (cause 44) of an answered channel — one incident per
/// channel whichever arrives first. A spike (threshold within a window) raises an alert and, once per
/// spike, runs the configured remedy (reload res_pjsip), within the shared budget.
/// </summary>
public sealed class RtpTimeoutMonitor(
    HealingOptions options,
    RemediationBudget budget,
    RemediationRunner runner,
    HealingMetrics metrics,
    IAlertPublisher alerts,
    TimeProvider time,
    ILogger<RtpTimeoutMonitor> logger,
    IActuatorGate? gate = null)
{
    private const int RequestedChannelNotAvailable = 44;
    private readonly Dictionary<string, DateTimeOffset> _seenChannels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _byEndpoint = new(StringComparer.Ordinal);
    private readonly HashSet<string> _spiking = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>RTP timeouts counted so far per endpoint in the current window.</summary>
    public int InWindow(string endpoint) => _byEndpoint.TryGetValue(endpoint, out var q) ? q.Count : 0;

    /// <summary>Asterisk logged "Disconnecting channel … for lack of RTP activity".</summary>
    public Task OnLoggedAsync(string channel, string endpoint, CancellationToken ct) => RecordAsync(channel, endpoint, ct);

    /// <summary>A channel hung up; counted when it was answered and the cause is 44.</summary>
    public Task OnHangupAsync(string channel, string endpoint, int cause, bool wasUp, CancellationToken ct) =>
        IsRtpTimeoutHangup(cause, wasUp) ? RecordAsync(channel, endpoint, ct) : Task.CompletedTask;

    /// <summary>Whether a hangup is an RTP timeout: cause 44 on a channel that was answered.</summary>
    public static bool IsRtpTimeoutHangup(int cause, bool wasUp) => cause == RequestedChannelNotAvailable && wasUp;

    /// <summary>One RTP-timeout incident (from either source; the second sighting of a channel is ignored).</summary>
    public async Task RecordAsync(string channel, string endpoint, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            Forget(now);
            if (!_seenChannels.TryAdd(channel, now))
            {
                return; // the same incident, seen from the other source
            }
            metrics.RtpTimeout(endpoint);
            if (!_byEndpoint.TryGetValue(endpoint, out var window))
            {
                window = _byEndpoint[endpoint] = new Queue<DateTimeOffset>();
            }
            window.Enqueue(now);
            if (window.Count < options.RtpTimeoutThreshold || !_spiking.Add(endpoint))
            {
                return;
            }

            LogMessages.RtpTimeoutSpike(logger, endpoint, window.Count, options.RtpTimeoutWindow.TotalSeconds);
            alerts.Publish(new Alert(AlertKind.RtpTimeoutSpike, AlertSeverity.Warning, endpoint, now)
            {
                Details = new Dictionary<string, string>
                {
                    ["count"] = window.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["window_minutes"] = options.RtpTimeoutWindow.TotalMinutes.ToString("0", System.Globalization.CultureInfo.InvariantCulture),
                },
            });
            if (options.Enabled && options.ReloadOnRtpSpike && gate?.Paused != true && budget.TryAcquire(HealingLabels.ReloadPjsip) == BudgetVerdict.Allowed)
            {
                await runner.RunAsync(HealingLabels.ReloadPjsip, HealingLabels.RtpTimeouts, endpoint, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (var (endpoint, window) in _byEndpoint)
        {
            while (window.TryPeek(out var oldest) && now - oldest >= options.RtpTimeoutWindow)
            {
                window.Dequeue();
            }
            if (window.Count < options.RtpTimeoutThreshold)
            {
                _spiking.Remove(endpoint);
            }
        }
        foreach (var stale in _seenChannels.Where(kv => now - kv.Value >= options.RtpTimeoutWindow).Select(kv => kv.Key).ToList())
        {
            _seenChannels.Remove(stale);
        }
    }
}
