using Watchdog.Agent.Alerting;
using Watchdog.Agent.Healing;

namespace Watchdog.Agent.Api;

/// <summary>The <c>agent</c> object of <c>/api/status</c>: the agent itself, as the operator needs it in the first hour.</summary>
public sealed record AgentSection(
    string Version, DateTimeOffset StartedAt, double UptimeSeconds, string? ConfigPath, bool Healing, bool Security, bool DryRun,
    int ActionsUsed, int ActionsCap, IReadOnlyList<AlertChannelStatus> AlertChannels, IReadOnlyList<string> Warnings);

/// <summary>One alert channel and its last delivery: <c>LastResult</c> is <c>delivered</c>, <c>failed</c> or null (nothing sent yet).</summary>
public sealed record AlertChannelStatus(string Name, string? LastResult, DateTimeOffset? LastAt, string? LastError);

/// <summary>What the host knows about the agent when it starts (version, config, what is enabled, start-up warnings).</summary>
public sealed record AgentFacts(
    string Version, DateTimeOffset StartedAt, string? ConfigPath, bool Healing, bool Security, bool DryRun, int ActionsCap, IReadOnlyList<string> Warnings);

/// <summary>Adds <see cref="AgentSection"/> to what another <see cref="IStatusExtras"/> produced.</summary>
public sealed class AgentSectionExtras(IStatusExtras? inner, AgentFacts facts, TimeProvider time, RemediationBudget? budget, AlertDispatcher? alerts)
    : IStatusExtras
{
    /// <inheritdoc />
    public async ValueTask<StatusDocument> CompleteAsync(StatusDocument document, CancellationToken ct)
    {
        var completed = inner is null ? document : await inner.CompleteAsync(document, ct).ConfigureAwait(false);
        var channels = alerts?.Channels.Select(c => new AlertChannelStatus(c.Name,
            c.Last is null ? null : c.Last.Delivered ? "delivered" : "failed", c.Last?.At, c.Last?.Error)).ToList() ?? [];
        var now = time.GetUtcNow();
        return completed with
        {
            Agent = new AgentSection(facts.Version, facts.StartedAt, Math.Max(0, (now - facts.StartedAt).TotalSeconds), facts.ConfigPath,
                facts.Healing, facts.Security, facts.DryRun, budget?.UsedInLastHour ?? 0, facts.ActionsCap, channels, facts.Warnings),
        };
    }
}
