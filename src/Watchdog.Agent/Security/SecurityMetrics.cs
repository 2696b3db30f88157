using Prometheus;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Security;

/// <summary><c>watchdog_bans_active</c>, <c>watchdog_bans_total{source}</c>, <c>watchdog_auth_failures_total{source}</c>.</summary>
public sealed class SecurityMetrics
{
    private readonly Gauge _active;
    private readonly Counter _bans;
    private readonly Counter _failures;

    /// <summary>Creates the metrics in <paramref name="factory"/> (tests pass a factory over their own registry).</summary>
    public SecurityMetrics(IMetricFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _active = factory.CreateGauge("watchdog_bans_active", "Addresses currently banned by the watchdog.");
        _bans = factory.CreateCounter("watchdog_bans_total", "Bans applied, by where the attack was seen.",
            new CounterConfiguration { LabelNames = ["source"] });
        _failures = factory.CreateCounter("watchdog_auth_failures_total", "Failed authentications seen, by source.",
            new CounterConfiguration { LabelNames = ["source"] });
        foreach (var source in Enum.GetValues<AttackSource>())
        {
            _bans.WithLabels(AttackSourceLabel.Of(source));
            if (source != AttackSource.Manual)
            {
                _failures.WithLabels(AttackSourceLabel.Of(source));
            }
        }
    }

    /// <summary>Sets the number of active bans.</summary>
    public void SetActiveBans(int count) => _active.Set(count);

    /// <summary>Counts one ban.</summary>
    public void Banned(AttackSource source) => _bans.WithLabels(AttackSourceLabel.Of(source)).Inc();

    /// <summary>Counts one failed authentication.</summary>
    public void AuthFailure(AttackSource source) => _failures.WithLabels(AttackSourceLabel.Of(source)).Inc();
}
