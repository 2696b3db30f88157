namespace Watchdog.Agent.Fleet;

/// <summary>
/// What the fleet needs from a broker: an append-only log of decisions that can be read from a position
/// (catch-up after a reconnect), a set of live bans that expire by themselves, and a wake-up when something
/// was appended. <see cref="RedisFleetBroker"/> is the one implementation (Streams, keys with TTL, pub/sub);
/// NATS JetStream would map to a stream, a KV bucket with TTL and a subscription.
/// </summary>
public interface IFleetBroker : IAsyncDisposable
{
    /// <summary>Where the broker is and as whom we connect, with no secret: for logs and status.</summary>
    string Description { get; }

    /// <summary>True while the connection is up and authenticated.</summary>
    bool IsConnected { get; }

    /// <summary>Raised (on any thread) when a decision may be waiting in the log, and when the connection comes back.</summary>
    event Action? Wake;

    /// <summary>Raised when the connection fails, with a reason that holds no secret.</summary>
    event Action<string>? Failed;

    /// <summary>Starts connecting; the broker reconnects by itself with back-off. Throws <see cref="FleetBrokerException"/> on a bad configuration.</summary>
    Task ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Appends a signed decision to the log and updates the set of live bans, atomically.</summary>
    Task PublishAsync(FleetDecision decision, string signature, CancellationToken cancellationToken);

    /// <summary>The live bans (each a signed ban decision whose time is not up).</summary>
    Task<IReadOnlyList<FleetEnvelope>> ReadActiveAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="max"/> log entries after <paramref name="afterPosition"/>, oldest first; from
    /// <paramref name="since"/> when the position is null.
    /// </summary>
    Task<IReadOnlyList<FleetEnvelope>> ReadLogAsync(string? afterPosition, DateTimeOffset since, int max, CancellationToken cancellationToken);

    /// <summary>The position of the newest log entry (null when the log is empty): a smaller one than ours means the log was recreated.</summary>
    Task<string?> LastPositionAsync(CancellationToken cancellationToken);

    /// <summary>True when log position <paramref name="a"/> comes after <paramref name="b"/>.</summary>
    bool IsAfter(string a, string b);
}

/// <summary>One stored decision: its position in the log (empty for the live set) and its fields, signature included.</summary>
public sealed record FleetEnvelope(string Position, IReadOnlyDictionary<string, string> Fields);

/// <summary>The broker failed a call (down, refused, no permission). The message holds no secret.</summary>
public sealed class FleetBrokerException(string message, Exception? inner = null) : Exception(message, inner);
