namespace Watchdog.Ami;

/// <summary>Where the client is in its connection life cycle.</summary>
public enum AmiConnectionState
{
    /// <summary>No connection (yet, or any more).</summary>
    Disconnected,
    /// <summary>Opening the TCP connection.</summary>
    Connecting,
    /// <summary>Connected and the AMI banner read; not logged in.</summary>
    Connected,
    /// <summary>Logged in: actions and events flow.</summary>
    LoggedIn,
}

/// <summary>Why a connection ended. Small and fixed, so it can be logged and counted.</summary>
public enum AmiDisconnectReason
{
    /// <summary>Still connected, or never connected.</summary>
    None,
    /// <summary>TCP connect failed (refused, unreachable, timed out).</summary>
    ConnectFailed,
    /// <summary>Asterisk closed the socket.</summary>
    RemoteClosed,
    /// <summary>Asterisk announced <c>Shutdown</c> (a stop or a restart).</summary>
    ServerShutdown,
    /// <summary>The socket failed.</summary>
    SocketError,
    /// <summary>The peer sent something that is not AMI.</summary>
    ProtocolError,
    /// <summary>A keepalive <c>Ping</c> went unanswered.</summary>
    PingTimeout,
    /// <summary>Asterisk refused our credentials.</summary>
    AuthenticationFailed,
    /// <summary>The login did not complete in time.</summary>
    LoginTimeout,
    /// <summary>We logged off or were stopped.</summary>
    ClientClosed,
    /// <summary>TCP was accepted but nothing came within the connect timeout: no banner at all (a frozen or deadlocked Asterisk).</summary>
    NoBanner,
}

/// <summary>A change of connection state, delivered to observers in order with the events.</summary>
/// <param name="State">The new state.</param>
/// <param name="Reason">Why, when the new state is <see cref="AmiConnectionState.Disconnected"/>.</param>
/// <param name="Detail">A human-readable detail (never a secret).</param>
/// <param name="Banner">The AMI banner, once connected (e.g. <c>Asterisk Call Manager/11.0.0</c>).</param>
public sealed record AmiConnectionStateChange(
    AmiConnectionState State,
    AmiDisconnectReason Reason = AmiDisconnectReason.None,
    string? Detail = null,
    string? Banner = null)
{
    /// <summary>
    /// When the session that ended had announced <c>Shutdown</c>: whether Asterisk said it restarts by
    /// itself. Null when no <c>Shutdown</c> came (and on every other state).
    /// </summary>
    public bool? ShutdownRestart { get; init; }
}

/// <summary>Events were dropped because the consumer fell behind: whatever it derives from events must be re-read.</summary>
/// <param name="DroppedEvents">Events dropped since the previous signal.</param>
/// <param name="TotalDroppedEvents">Events dropped since the client was created.</param>
public sealed record AmiResyncRequired(long DroppedEvents, long TotalDroppedEvents);
