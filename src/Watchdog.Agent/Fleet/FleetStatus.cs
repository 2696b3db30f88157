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

/// <summary>Reads the fleet link's state for <c>/api/status</c> (the API asks; the fleet knows nothing of the API).</summary>
public sealed class FleetStatusReader(FleetReceiver receiver, FleetPublisher publisher, FleetMetrics metrics, FleetOptions options, IFleetBroker broker)
{
    private static readonly string[] RejectedOutcomes = ["unsigned", "bad_signature", "malformed", "replayed", "stale"];

    /// <summary>The link as it is now.</summary>
    public FleetStatus Read() =>
        new(receiver.Connected, broker.Description, options.AgentName, receiver.Since, receiver.LastError, publisher.Pending,
            RejectedOutcomes.Sum(o => metrics.Count("received", o)));
}
