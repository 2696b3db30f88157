namespace Watchdog.Ami;

/// <summary>
/// Receives the client's live stream, in order, on one dispatch loop: events, connection state
/// changes, and "resync required" when events were dropped. A slow observer slows only the dispatch
/// loop, never the socket reader.
/// </summary>
public interface IAmiEventObserver
{
    /// <summary>An event. The message is pooled: valid only until the returned task completes.</summary>
    ValueTask OnEventAsync(AmiMessage message, CancellationToken ct);

    /// <summary>The connection changed state (Connecting, Connected, LoggedIn, Disconnected with a reason).</summary>
    ValueTask OnConnectionStateChangedAsync(AmiConnectionStateChange change, CancellationToken ct) => ValueTask.CompletedTask;

    /// <summary>Events were dropped (the queue overflowed): anything derived from events must be re-read.</summary>
    ValueTask OnResyncRequiredAsync(AmiResyncRequired signal, CancellationToken ct) => ValueTask.CompletedTask;
}
