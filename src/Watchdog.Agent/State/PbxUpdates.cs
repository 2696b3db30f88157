namespace Watchdog.Agent.State;

/// <summary>
/// A change to the PBX model, already read from whatever transport reported it. The model knows
/// nothing of AMI: the tracker translates events into these.
/// </summary>
public abstract record PbxUpdate;

/// <summary>An outbound registration changed status; identified by its client and server URIs, as <c>Registry</c> events do.</summary>
public sealed record RegistrationStatusChanged(string ClientUri, string ServerUri, string Status) : PbxUpdate;

/// <summary>A contact's qualify status changed (<c>Removed</c> drops it; <c>Created</c> and <c>Updated</c> keep the known status).</summary>
public sealed record ContactStatusChanged(string Endpoint, string Aor, string Uri, string Status, long? RoundtripUsec) : PbxUpdate;

/// <summary>A channel was created.</summary>
public sealed record ChannelCreated(string Uniqueid, string Channel, string State) : PbxUpdate;

/// <summary>A channel changed state.</summary>
public sealed record ChannelStateChanged(string Uniqueid, string Channel, string State) : PbxUpdate;

/// <summary>A channel ended with a Q.850 cause.</summary>
public sealed record ChannelHungUp(string Uniqueid, string Channel, int Cause) : PbxUpdate;

/// <summary>Everything a full resync read, to replace the model in one step.</summary>
/// <param name="Registrations">Every outbound registration.</param>
/// <param name="Endpoints">Every endpoint with the contacts read for it.</param>
/// <param name="Channels">Every active channel.</param>
/// <param name="AsteriskVersion">From CoreSettings, if read.</param>
/// <param name="AsteriskStartedAt">From CoreStatus, if read.</param>
public sealed record PbxResyncData(
    IReadOnlyList<ResyncRegistration> Registrations,
    IReadOnlyList<ResyncEndpoint> Endpoints,
    IReadOnlyList<ResyncChannel> Channels,
    string? AsteriskVersion,
    DateTimeOffset? AsteriskStartedAt);

/// <summary>A registration as listed by a resync.</summary>
public sealed record ResyncRegistration(string Name, string ClientUri, string ServerUri, string Endpoint, string Status, string OutboundAuth = "");

/// <summary>An endpoint as listed by a resync.</summary>
public sealed record ResyncEndpoint(string Name, string DeviceState, IReadOnlyList<ContactState> Contacts);

/// <summary>A channel as listed by a resync; <paramref name="Age"/> from its Duration.</summary>
public sealed record ResyncChannel(string Uniqueid, string Channel, string State, TimeSpan? Age);
