namespace Watchdog.Ami;

/// <summary>
/// Receives the client's live stream, in order, one call at a time: events, connection state changes,
/// and "resync required" when events were dropped. Calls usually run on the socket's reading loop
/// itself (no thread hop), so an observer must return at once and never block: one that needs to wait
/// returns an incomplete task instead, and while it is pending the reader goes back to the socket and
/// later events wait in the bounded queue — a slow observer never stalls the reader.
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
