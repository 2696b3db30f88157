using Prometheus;

namespace Watchdog.Agent.Actuators;

/// <summary>
/// <c>watchdog_remediations_total{action,reason,outcome}</c>, shared by every component that acts on the host
/// (bans now, service restarts later). Label values come from small fixed sets — never addresses or names.
/// </summary>
public sealed class RemediationMetrics
{
    private readonly Counter _remediations;

    /// <summary>Creates the counter in <paramref name="factory"/> (tests pass a factory over their own registry).</summary>
    public RemediationMetrics(IMetricFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _remediations = factory.CreateCounter(
            "watchdog_remediations_total",
            "Actions the watchdog took (or would have taken in dry-run) on the host.",
            new CounterConfiguration { LabelNames = ["action", "reason", "outcome"] });
    }

    /// <summary>Creates the series of an action and reason at zero for every outcome (<paramref name="outcomes"/>, or the firewall's), so the first one shows as an increase.</summary>
    public void Prepare(string action, string reason, IReadOnlyList<string>? outcomes = null)
    {
        foreach (var outcome in outcomes ?? Outcomes)
        {
            _remediations.WithLabels(action, reason, outcome);
        }
    }

    private static readonly string[] Outcomes = ["success", "failed", "dry_run"];

    /// <summary>Counts one remediation. <paramref name="action"/> e.g. ban/unban/restart; <paramref name="outcome"/> success/failed/dry_run.</summary>
    public void Count(string action, string reason, string outcome) =>
        _remediations.WithLabels(action, reason, outcome).Inc();

    /// <summary>The label value for a firewall outcome.</summary>
    public static string OutcomeLabel(FirewallOutcome outcome) => outcome switch
    {
        FirewallOutcome.Success => "success",
        FirewallOutcome.DryRun => "dry_run",
        _ => "failed",
    };
}
