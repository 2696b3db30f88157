using Prometheus;
using Watchdog.Agent.Alerting;

namespace Watchdog.Agent.Healing;

/// <summary>
/// Tells about maintenance: <c>watchdog_maintenance</c> (1 while on), one alert when it starts, its
/// resolution when it ends (switched off, or its deadline passed). Checked on every healing tick and on
/// every switch through the API.
/// </summary>
public sealed class MaintenanceAlerts
{
    private readonly MaintenanceMode _mode;
    private readonly IAlertPublisher _alerts;
    private readonly TimeProvider _time;
    private readonly Gauge _gauge;
    private readonly Lock _gate = new();
    private bool _announced;

    /// <summary>Creates the gauge in <paramref name="factory"/> at 0.</summary>
    public MaintenanceAlerts(MaintenanceMode mode, IAlertPublisher alerts, TimeProvider time, IMetricFactory factory)
    {
        _mode = mode;
        _alerts = alerts;
        _time = time;
        _gauge = factory.CreateGauge("watchdog_maintenance", "1 while maintenance is on: healing and bans are paused, observing goes on.");
        _gauge.Set(0);
    }

    /// <summary>Publishes a change of the maintenance state, if any.</summary>
    public void Check()
    {
        var state = _mode.Current;
        lock (_gate)
        {
            _gauge.Set(state.Active ? 1 : 0);
            if (state.Active == _announced)
            {
                return;
            }
            _announced = state.Active;
        }
        var details = new Dictionary<string, string>();
        if (state.Until is { } until) details["until"] = until.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        if (state.Reason is { } reason) details["reason"] = reason;
        _alerts.Publish(state.Active
            ? new Alert(AlertKind.MaintenanceOn, AlertSeverity.Warning, "watchdog", _time.GetUtcNow()) { Details = details }
            : new Alert(AlertKind.MaintenanceOff, AlertSeverity.Info, "watchdog", _time.GetUtcNow()));
    }
}
