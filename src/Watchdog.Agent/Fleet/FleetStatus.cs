using Watchdog.Agent.Api;

namespace Watchdog.Agent.Fleet;

/// <summary>The <c>fleet</c> part of <c>/api/status</c>.</summary>
/// <param name="Connected">Connected to the broker and caught up.</param>
/// <param name="Broker">Where, and as which user (no secret).</param>
/// <param name="Agent">This agent's name in the fleet.</param>
/// <param name="Since">Since when <paramref name="Connected"/> has its value.</param>
/// <param name="LastError">Why the connection last failed.</param>
/// <param name="PendingPublish">Decisions waiting for the broker.</param>
/// <param name="Rejected">Decisions dropped so far because they were unsigned, badly signed, malformed, replayed or stale.</param>
public sealed record FleetStatus(bool Connected, string Broker, string Agent, DateTimeOffset? Since, string? LastError, int PendingPublish, double Rejected);

/// <summary>Adds <see cref="FleetStatus"/> to the status document made by the host's own extras.</summary>
public sealed class FleetStatusExtras(IStatusExtras? inner, FleetReceiver receiver, FleetPublisher publisher, FleetMetrics metrics, FleetOptions options, IFleetBroker broker)
    : IStatusExtras
{
    /// <inheritdoc />
    public async ValueTask<StatusDocument> CompleteAsync(StatusDocument document, CancellationToken ct)
    {
        if (inner is not null)
        {
            document = await inner.CompleteAsync(document, ct).ConfigureAwait(false);
        }

        var rejected = new[] { "unsigned", "bad_signature", "malformed", "replayed", "stale" }.Sum(o => metrics.Count("received", o));
        return document with
        {
            Fleet = new FleetStatus(receiver.Connected, broker.Description, options.AgentName, receiver.Since, receiver.LastError, publisher.Pending, rejected),
        };
    }
}
