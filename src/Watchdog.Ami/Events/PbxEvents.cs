namespace Watchdog.Ami.Events;

// Typed views of the few events the agent acts on. Each copies the values it keeps, so it may
// outlive the pooled message it was read from. Everything else stays a generic AmiMessage.

/// <summary><c>Registry</c>: an outbound registration changed state. Carries no cause (a 403 and a timeout both read <c>Rejected</c>).</summary>
public sealed record RegistryEvent(string ChannelType, string Username, string Domain, string Status)
{
    /// <summary>Reads a <c>Registry</c> event; null for any other message.</summary>
    public static RegistryEvent? From(AmiMessage m) => m.IsEvent("Registry"u8)
        ? new(m.Symbol("ChannelType"u8) ?? "", m.Symbol("Username"u8) ?? "", m.Symbol("Domain"u8) ?? "", m.Symbol("Status"u8) ?? "")
        : null;
}

/// <summary><c>ContactStatus</c>: a contact's qualify state (Created, Removed, Reachable, Unreachable, Unknown, NonQualified, Updated).</summary>
public sealed record ContactStatusEvent(string Uri, string ContactStatus, string Aor, string EndpointName, long? RoundtripUsec)
{
    /// <summary>Reads a <c>ContactStatus</c> event; null for any other message.</summary>
    public static ContactStatusEvent? From(AmiMessage m) => m.IsEvent("ContactStatus"u8)
        ? new(m.Symbol("URI"u8) ?? "", m.Symbol("ContactStatus"u8) ?? "", m.Symbol("AOR"u8) ?? "", m.Symbol("EndpointName"u8) ?? "",
            m.TryGetInt64("RoundtripUsec"u8, out var rtt) ? rtt : null)
        : null;
}

/// <summary><c>Newchannel</c>: a channel was created.</summary>
public sealed record NewchannelEvent(string Channel, string Uniqueid, string Linkedid, int ChannelState, string ChannelStateDesc, string Context, string Exten)
{
    /// <summary>Reads a <c>Newchannel</c> event; null for any other message.</summary>
    public static NewchannelEvent? From(AmiMessage m) => m.IsEvent("Newchannel"u8)
        ? new(m["Channel"] ?? "", m["Uniqueid"] ?? "", m["Linkedid"] ?? "",
            m.TryGetInt64("ChannelState"u8, out var s) ? (int)s : -1, m.Symbol("ChannelStateDesc"u8) ?? "", m.Symbol("Context"u8) ?? "", m["Exten"] ?? "")
        : null;
}

/// <summary><c>Newstate</c>: a channel changed state (Ring, Up, …).</summary>
public sealed record NewstateEvent(string Channel, string Uniqueid, int ChannelState, string ChannelStateDesc)
{
    /// <summary>Reads a <c>Newstate</c> event; null for any other message.</summary>
    public static NewstateEvent? From(AmiMessage m) => m.IsEvent("Newstate"u8)
        ? new(m["Channel"] ?? "", m["Uniqueid"] ?? "", m.TryGetInt64("ChannelState"u8, out var s) ? (int)s : -1, m.Symbol("ChannelStateDesc"u8) ?? "")
        : null;
}

/// <summary><c>Hangup</c>: a channel ended, with its Q.850 cause (44 after an RTP timeout, 16 for a normal clearing).</summary>
public sealed record HangupEvent(string Channel, string Uniqueid, string Linkedid, int Cause, string CauseText, int ChannelState = -1)
{
    /// <summary>Whether the channel was answered (state 6, Up) when it hung up.</summary>
    public bool WasUp => ChannelState == 6;

    /// <summary>Reads a <c>Hangup</c> event; null for any other message.</summary>
    public static HangupEvent? From(AmiMessage m) => m.IsEvent("Hangup"u8)
        ? new(m["Channel"] ?? "", m["Uniqueid"] ?? "", m["Linkedid"] ?? "",
            m.TryGetInt64("Cause"u8, out var c) ? (int)c : 0, m.Symbol("Cause-txt"u8) ?? "",
            m.TryGetInt64("ChannelState"u8, out var s) ? (int)s : -1)
        : null;
}

/// <summary><c>FullyBooted</c>: Asterisk finished starting (also sent right after login).</summary>
public sealed record FullyBootedEvent(long? Uptime, long? LastReload, string Status)
{
    /// <summary>Reads a <c>FullyBooted</c> event; null for any other message.</summary>
    public static FullyBootedEvent? From(AmiMessage m) => m.IsEvent("FullyBooted"u8)
        ? new(m.TryGetInt64("Uptime"u8, out var u) ? u : null, m.TryGetInt64("LastReload"u8, out var r) ? r : null, m["Status"] ?? "")
        : null;
}

/// <summary><c>Shutdown</c>: Asterisk is stopping; <see cref="Restart"/> says whether it comes back by itself.</summary>
public sealed record ShutdownEvent(string Shutdown, bool Restart)
{
    /// <summary>Reads a <c>Shutdown</c> event; null for any other message.</summary>
    public static ShutdownEvent? From(AmiMessage m) => m.IsEvent("Shutdown"u8)
        ? new(m["Shutdown"] ?? "", m.ValueEquals("Restart"u8, "True"u8))
        : null;
}

/// <summary><c>PeerStatus</c> for a PJSIP endpoint (<c>Peer: PJSIP/name</c>).</summary>
public sealed record PeerStatusEvent(string ChannelType, string Peer, string PeerStatus)
{
    /// <summary>The endpoint name without the <c>PJSIP/</c> prefix.</summary>
    public string Endpoint => Peer.IndexOf('/') is var i and >= 0 ? Peer[(i + 1)..] : Peer;

    /// <summary>Reads a <c>PeerStatus</c> event; null for any other message.</summary>
    public static PeerStatusEvent? From(AmiMessage m) => m.IsEvent("PeerStatus"u8)
        ? new(m["ChannelType"] ?? "", m["Peer"] ?? "", m["PeerStatus"] ?? "")
        : null;
}
