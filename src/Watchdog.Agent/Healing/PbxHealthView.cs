namespace Watchdog.Agent.Healing;

/// <summary>What the healers need to know about one outbound registration.</summary>
/// <param name="Name">The registration's name (e.g. <c>mango-registration</c>).</param>
/// <param name="Registered">Whether its status is <c>Registered</c>.</param>
/// <param name="Status">Asterisk's status word.</param>
/// <param name="Since">When the status last changed.</param>
/// <param name="ClientUri">For matching log lines, which name URIs rather than registrations.</param>
/// <param name="ServerUri">For matching log lines.</param>
/// <param name="OutboundAuth">The auth section it registers with (named in the credentials alert), when known.</param>
public sealed record RegistrationObservation(
    string Name, bool Registered, string Status, DateTimeOffset Since, string ClientUri = "", string ServerUri = "", string OutboundAuth = "");

/// <summary>The healers' read-only view of the PBX, built from the state model at each tick.</summary>
/// <param name="AmiLoggedIn">Whether AMI is logged in now.</param>
/// <param name="AmiUnusableSince">Since when AMI has been down (or pings unanswered); null while usable.</param>
/// <param name="Registrations">Every outbound registration.</param>
/// <param name="ActiveChannels">Channels up across the PBX.</param>
/// <param name="AmiDisconnectReason">Why AMI is down now (an <c>AmiDisconnectReason</c> name: the newest attempt's, so a login refused after a restart is seen), while it is.</param>
/// <param name="AmiEverLoggedIn">Whether the agent has logged in at least once (so its AMI settings are known to work).</param>
/// <param name="QualifiedContactsReachable">Contacts with a qualify result of Reachable (other peers that answer).</param>
/// <param name="QualifiedContactsUnreachable">Contacts with a qualify result of Unreachable.</param>
public sealed record PbxHealthView(
    bool AmiLoggedIn, DateTimeOffset? AmiUnusableSince, IReadOnlyList<RegistrationObservation> Registrations, int ActiveChannels,
    string? AmiDisconnectReason = null, bool AmiEverLoggedIn = true, int QualifiedContactsReachable = 0, int QualifiedContactsUnreachable = 0);

/// <summary>Where the healers read the PBX from (an adapter over the state model; a fake in tests).</summary>
public interface IPbxHealthSource
{
    /// <summary>The view now.</summary>
    PbxHealthView Current { get; }
}
