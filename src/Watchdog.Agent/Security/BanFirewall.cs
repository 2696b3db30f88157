using System.Net;
using Microsoft.Extensions.Logging;
using Watchdog.Agent.Actuators;
using Watchdog.Agent.Detection;

namespace Watchdog.Agent.Security;

/// <summary>
/// The ban pipeline's firewall calls: each block and unblock goes through <see cref="IFirewall"/>, is counted in
/// <c>watchdog_remediations_total{action="ban"|"unban"}</c> and written as an audit event (id 5001).
/// </summary>
public sealed class BanFirewall(IFirewall firewall, RemediationMetrics remediations, ILogger logger)
{
    /// <summary>Blocks <paramref name="address"/> for a new ban; false when the firewall failed.</summary>
    public async Task<bool> BlockAsync(IPAddress address, AttackSource source, string reason, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var outcome = await firewall.BlockAsync(address, $"{reason} until {until:yyyy-MM-ddTHH:mm}Z", cancellationToken).ConfigureAwait(false);
        var outcomeLabel = RemediationMetrics.OutcomeLabel(outcome);
        remediations.Count("ban", reason, outcomeLabel);
        LogMessages.Audit(logger, "ban", address.ToString(), AttackSourceLabel.Of(source), reason, outcomeLabel, until);
        return outcome != FirewallOutcome.Failed;
    }

    /// <summary>Re-applies a persisted ban at start (ufw skips a rule that exists already).</summary>
    public async Task RestoreAsync(IPAddress address, BanEntry entry, CancellationToken cancellationToken)
    {
        var outcome = await firewall.BlockAsync(address, $"{AttackSourceLabel.Of(entry.Source)} restore", cancellationToken).ConfigureAwait(false);
        remediations.Count("ban", "restore", RemediationMetrics.OutcomeLabel(outcome));
        LogMessages.Audit(logger, "ban", entry.Address, AttackSourceLabel.Of(entry.Source), "restore", RemediationMetrics.OutcomeLabel(outcome), entry.Until);
    }

    /// <summary>Lifts the rule of <paramref name="entry"/>; false when the firewall failed (the ban is kept and retried).</summary>
    public async Task<bool> UnblockAsync(IPAddress address, BanEntry entry, string reason, CancellationToken cancellationToken)
    {
        var outcome = await firewall.UnblockAsync(address, cancellationToken).ConfigureAwait(false);
        var outcomeLabel = RemediationMetrics.OutcomeLabel(outcome);
        remediations.Count("unban", reason, outcomeLabel);
        LogMessages.Audit(logger, "unban", entry.Address, AttackSourceLabel.Of(entry.Source), reason, outcomeLabel, entry.Until);
        return outcome != FirewallOutcome.Failed;
    }
}
