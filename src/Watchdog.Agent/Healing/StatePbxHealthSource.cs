using Watchdog.Agent.State;

namespace Watchdog.Agent.Healing;

/// <summary>The healers' view, read from the state model's current snapshot.</summary>
public sealed class StatePbxHealthSource(PbxStateStore store) : IPbxHealthSource
{
    // Before the first login the outage is counted from the agent's start.
    private readonly DateTimeOffset _createdAt = store.Time.GetUtcNow();

    /// <inheritdoc />
    public PbxHealthView Current
    {
        get
        {
            var s = store.Current;
            var registrations = s.Registrations.Values
                .Select(r => new RegistrationObservation(r.Name, r.IsRegistered, r.Status,
                    r.LastChangeAt ?? s.LastResyncAt ?? s.Ami.Since ?? DateTimeOffset.MinValue, r.ClientUri, r.ServerUri, r.OutboundAuth))
                .ToList();
            var unusableSince = s.Ami.Connected ? (DateTimeOffset?)null : s.Ami.Since ?? _createdAt;
            var contacts = s.Endpoints.Values.SelectMany(e => e.Contacts.Values).ToList();
            return new PbxHealthView(s.Ami.Connected, unusableSince, registrations, s.Channels.Count,
                s.Ami.Connected ? null : s.Ami.CurrentDisconnectReason, s.Ami.Logins > 0,
                contacts.Count(c => c.Status.Equals("Reachable", StringComparison.OrdinalIgnoreCase)),
                contacts.Count(c => c.Status.Equals("Unreachable", StringComparison.OrdinalIgnoreCase)));
        }
    }
}
