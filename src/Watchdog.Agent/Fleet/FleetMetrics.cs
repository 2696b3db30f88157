using Prometheus;

namespace Watchdog.Agent.Fleet;

/// <summary><c>watchdog_fleet_connected</c> and <c>watchdog_fleet_bans_total{direction,outcome}</c>.</summary>
public sealed class FleetMetrics
{
    /// <summary>Outcomes of decisions this agent published.</summary>
    public static readonly string[] PublishedOutcomes = ["sent", "retried", "dropped"];

    /// <summary>Outcomes of decisions read from the broker.</summary>
    public static readonly string[] ReceivedOutcomes =
        ["applied", "already_banned", "whitelisted", "capped", "failed", "expired", "unbanned", "ignored", "own",
         "unsigned", "bad_signature", "malformed", "replayed", "stale"];

    private readonly Gauge _connected;
    private readonly Counter _bans;

    /// <summary>Creates the metrics in <paramref name="factory"/>.</summary>
    public FleetMetrics(IMetricFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _connected = factory.CreateGauge("watchdog_fleet_connected", "1 while the agent is connected to the fleet broker.");
        _bans = factory.CreateCounter("watchdog_fleet_bans_total",
            "Fleet ban decisions: direction published or received, by outcome (applied, whitelisted, capped, bad_signature, replayed, ...).",
            new CounterConfiguration { LabelNames = ["direction", "outcome"] });
        foreach (var outcome in PublishedOutcomes)
        {
            _bans.WithLabels("published", outcome);
        }

        foreach (var outcome in ReceivedOutcomes)
        {
            _bans.WithLabels("received", outcome);
        }
    }

    /// <summary>Sets the connection gauge.</summary>
    public void SetConnected(bool connected) => _connected.Set(connected ? 1 : 0);

    /// <summary>Counts a published decision.</summary>
    public void Published(string outcome) => _bans.WithLabels("published", outcome).Inc();

    /// <summary>Counts a received decision.</summary>
    public void Received(string outcome) => _bans.WithLabels("received", outcome).Inc();

    /// <summary>The count so far (for status and tests).</summary>
    public double Count(string direction, string outcome) => _bans.WithLabels(direction, outcome).Value;
}
