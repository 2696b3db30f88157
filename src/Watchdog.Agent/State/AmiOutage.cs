using Watchdog.Ami;

namespace Watchdog.Agent.State;

/// <summary>One failure of the AMI link, as the client reported it.</summary>
/// <param name="Reason">An <see cref="AmiDisconnectReason"/> name.</param>
/// <param name="Detail">The client's own text (never a secret), e.g. <c>TCP connect to 127.0.0.1:5038 failed: ConnectionRefused.</c></param>
/// <param name="At">When it happened; for a shutdown, when Asterisk announced it.</param>
/// <param name="Endpoint">Where AMI is (<c>host:port</c>), when known.</param>
public sealed record AmiFailure(string Reason, string? Detail, DateTimeOffset At, string? Endpoint = null)
{
    /// <summary>For <c>ServerShutdown</c>: the <c>Shutdown</c> header of the event (<c>Cleanly</c> or <c>Uncleanly</c>), when it was seen.</summary>
    public string? ShutdownKind { get; init; }

    /// <summary>For <c>ServerShutdown</c>: whether Asterisk said it restarts by itself, when it said so.</summary>
    public bool? ShutdownRestart { get; init; }
}

/// <summary>
/// What is known about one AMI outage: the cause that tells the most, and what the reconnect attempts
/// ran into since.
/// </summary>
/// <param name="Cause">The most informative failure of the outage (usually the one that ended the session).</param>
/// <param name="Latest">The newest failure after <paramref name="Cause"/>; null when there was none.</param>
/// <param name="FailedAttempts">Reconnect attempts that failed after <paramref name="Cause"/>.</param>
public sealed record AmiOutage(AmiFailure Cause, AmiFailure? Latest, int FailedAttempts)
{
    /// <summary>The failure the link is in now: the latest attempt's, or the cause when no attempt followed it.</summary>
    public AmiFailure Current => Latest ?? Cause;

    /// <summary>
    /// Whether a failure says something about Asterisk itself (it shut down, hung, closed on us, refused
    /// our login, is not AMI). A refused or timed-out connect, a socket error or a slow login only says
    /// the attempt failed, and must not hide a cause that says why.
    /// </summary>
    public static bool IsInformative(string reason) => reason is
        nameof(AmiDisconnectReason.ServerShutdown) or nameof(AmiDisconnectReason.PingTimeout) or nameof(AmiDisconnectReason.NoBanner)
        or nameof(AmiDisconnectReason.AuthenticationFailed) or nameof(AmiDisconnectReason.RemoteClosed) or nameof(AmiDisconnectReason.ProtocolError);

    /// <summary>The outage that starts with <paramref name="failure"/>.</summary>
    public static AmiOutage Start(AmiFailure failure) => new(failure, null, 0);

    /// <summary>
    /// This outage after one more failed attempt. The cause stays unless it said nothing and the new
    /// failure does ("refused" at start-up, then "no banner": the hang is the cause); every attempt after
    /// the cause is counted and the newest kept, so both can be shown.
    /// </summary>
    public AmiOutage Then(AmiFailure failure) =>
        !IsInformative(Cause.Reason) && IsInformative(failure.Reason)
            ? Start(failure)
            : this with { Latest = failure, FailedAttempts = FailedAttempts + 1 };
}
