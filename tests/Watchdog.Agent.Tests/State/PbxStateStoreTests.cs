using Microsoft.Extensions.Time.Testing;
using Watchdog.Agent.State;

namespace Watchdog.Agent.Tests.State;

public class PbxStateStoreTests
{
    private const string Client = "sip:mango-user@127.0.0.1:5070";
    private const string Server = "sip:127.0.0.1:5070";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));

    private static PbxResyncData TrunkSetup(string registrationStatus = "Registered", string contactStatus = "Reachable", params ResyncChannel[] channels) => new(
        [new ResyncRegistration("mango-registration", Client, Server, "mango-trunk", registrationStatus)],
        [
            new ResyncEndpoint("mango-trunk", "Not in use", [new ContactState("mango-trunk-aor", "sip:127.0.0.1:5070", "Reachable", 1840)]),
            new ResyncEndpoint("elevenlabs-trunk", "Not in use", [new ContactState("elevenlabs-trunk-aor", "sip:127.0.0.1:5080", contactStatus, 726)]),
            new ResyncEndpoint("6001", "Unavailable", []),
        ],
        channels, "22.10.1", new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero));

    private PbxStateStore Synced(PbxResyncData? data = null)
    {
        var store = new PbxStateStore(_time);
        store.SetAmiConnected(true);
        Assert.True(store.CompleteResync(store.BeginResync(), data ?? TrunkSetup()));
        return store;
    }

    [Fact]
    public void Resync_fills_registrations_endpoints_and_asterisk_info()
    {
        var s = Synced().Current;

        Assert.True(s.Ami.Connected);
        Assert.Equal("22.10.1", s.Asterisk.Version);
        Assert.Equal(TimeSpan.FromHours(1), s.Asterisk.UptimeAt(_time.GetUtcNow()));
        Assert.True(s.Registrations["mango-registration"].IsRegistered);
        Assert.True(s.Endpoints["mango-trunk"].IsReachable);
        Assert.False(s.Endpoints["6001"].IsReachable);
    }

    [Fact]
    public void Registry_event_matched_by_client_and_server_uri_records_changes_only_as_transitions()
    {
        var store = Synced();
        _time.Advance(TimeSpan.FromSeconds(5));

        store.Apply(new RegistrationStatusChanged(Client, Server, "Rejected"));
        store.Apply(new RegistrationStatusChanged(Client, Server, "Rejected"));
        _time.Advance(TimeSpan.FromSeconds(5));
        store.Apply(new RegistrationStatusChanged(Client, Server, "Registered"));

        var reg = store.Current.Registrations["mango-registration"];
        Assert.True(reg.IsRegistered);
        Assert.Equal("Rejected", reg.LastErrorStatus);
        Assert.Equal(_time.GetUtcNow(), reg.LastChangeAt);
        Assert.Equal(["Registered>Rejected", "Rejected>Registered"], reg.History.Select(h => $"{h.From}>{h.To}"));
        Assert.Equal(1, store.Current.Totals.RegistrationTransitions["mango-registration"]["Rejected"]);
        Assert.Equal(1, store.Current.Totals.RegistrationTransitions["mango-registration"]["Registered"]);
    }

    [Fact]
    public void Registry_event_for_an_unknown_registration_changes_nothing()
    {
        var store = Synced();
        var before = store.Current.Registrations;

        store.Apply(new RegistrationStatusChanged("sip:other@example.org", Server, "Rejected"));

        Assert.Same(before, store.Current.Registrations);
    }

    [Fact]
    public void Registration_history_is_bounded()
    {
        var store = Synced();
        for (var i = 0; i < PbxStateStore.HistoryLimit * 3; i++)
        {
            store.Apply(new RegistrationStatusChanged(Client, Server, i % 2 == 0 ? "Unregistered" : "Registered"));
        }

        Assert.Equal(PbxStateStore.HistoryLimit, store.Current.Registrations["mango-registration"].History.Length);
    }

    [Fact]
    public void Contact_unreachable_makes_endpoint_unreachable_and_clears_rtt()
    {
        var store = Synced();

        store.Apply(new ContactStatusChanged("elevenlabs-trunk", "elevenlabs-trunk-aor", "sip:127.0.0.1:5080", "Unreachable", 0));

        var ep = store.Current.Endpoints["elevenlabs-trunk"];
        Assert.False(ep.IsReachable);
        Assert.Null(ep.Contacts["sip:127.0.0.1:5080"].RoundtripUsec);
    }

    [Fact]
    public void NonQualified_contact_counts_as_reachable()
    {
        var store = Synced();

        store.Apply(new ContactStatusChanged("6001", "6001", "sip:6001@192.0.2.10:5060", "NonQualified", null));

        Assert.True(store.Current.Endpoints["6001"].IsReachable);
    }

    [Fact]
    public void Contact_removed_drops_it_and_created_keeps_known_status()
    {
        var store = Synced();
        const string uri = "sip:6001@192.0.2.10:5060";

        store.Apply(new ContactStatusChanged("6001", "6001", uri, "Created", null));
        Assert.Equal("Unknown", store.Current.Endpoints["6001"].Contacts[uri].Status);
        store.Apply(new ContactStatusChanged("6001", "6001", uri, "Reachable", 900));
        store.Apply(new ContactStatusChanged("6001", "6001", uri, "Updated", null));
        Assert.Equal("Reachable", store.Current.Endpoints["6001"].Contacts[uri].Status);
        store.Apply(new ContactStatusChanged("6001", "6001", uri, "Removed", null));

        Assert.Empty(store.Current.Endpoints["6001"].Contacts);
    }

    [Theory]
    [InlineData("PJSIP/mango-trunk-0000001", "mango-trunk")]
    [InlineData("PJSIP/6001-000000a2", "6001")]
    [InlineData("PJSIP/a-b-c-00000003", "a-b-c")]
    [InlineData("Local/100@from-internal-00000001;1", "")]
    [InlineData("PJSIP/nodash", "")]
    public void Channel_endpoint_is_the_part_between_slash_and_last_dash(string channel, string endpoint) =>
        Assert.Equal(endpoint, ChannelState.EndpointOf(channel));

    [Fact]
    public void Call_lifecycle_counts_calls_hangup_causes_and_duration()
    {
        var store = Synced();
        var ended = new List<CallEnded>();
        store.CallEnded += ended.Add;

        store.Apply(new ChannelCreated("1.1", "PJSIP/mango-trunk-00000001", "Ring"));
        store.Apply(new ChannelStateChanged("1.1", "PJSIP/mango-trunk-00000001", "Up"));
        Assert.Equal(1, store.Current.ActiveChannelsByEndpoint()["mango-trunk"]);
        Assert.Equal("Up", store.Current.Channels["1.1"].State);
        _time.Advance(TimeSpan.FromSeconds(42));
        store.Apply(new ChannelHungUp("1.1", "PJSIP/mango-trunk-00000001", 44));

        Assert.Empty(store.Current.Channels);
        var calls = store.Current.Totals.Calls["mango-trunk"];
        Assert.Equal((1, 1, 1L), (calls.CallsStarted, calls.CallsEnded, calls.HangupsByCause[44]));
        Assert.Equal([new CallEnded("mango-trunk", 44, TimeSpan.FromSeconds(42))], ended);
    }

    [Fact]
    public void Events_during_a_resync_are_replayed_onto_its_result()
    {
        var store = Synced();
        var ticket = store.BeginResync();
        // Lists were read before these events arrived: they show the call still up and the registration Registered.
        store.Apply(new ChannelCreated("2.1", "PJSIP/elevenlabs-trunk-00000002", "Up"));
        store.Apply(new RegistrationStatusChanged(Client, Server, "Rejected"));

        Assert.True(store.CompleteResync(ticket, TrunkSetup()));

        var s = store.Current;
        Assert.Equal("Rejected", s.Registrations["mango-registration"].Status);
        Assert.True(s.Channels.ContainsKey("2.1"));
        Assert.Equal(1, s.Totals.Calls["elevenlabs-trunk"].CallsStarted);
        Assert.Equal(1, s.Totals.RegistrationTransitions["mango-registration"]["Rejected"]);
        Assert.False(s.Totals.RegistrationTransitions["mango-registration"].ContainsKey("Registered"));
        Assert.Single(s.Registrations["mango-registration"].History);
    }

    [Fact]
    public void Resync_replaces_the_model_and_counts_changes_missed_while_away_but_keeps_totals()
    {
        var store = Synced();
        store.Apply(new ChannelCreated("1.1", "PJSIP/mango-trunk-00000001", "Up"));
        store.SetAmiConnected(false, "RemoteClosed");
        store.SetAmiConnected(true);

        Assert.True(store.CompleteResync(store.BeginResync(), TrunkSetup("Rejected", "Unreachable")));

        var s = store.Current;
        Assert.Empty(s.Channels);
        Assert.False(s.Endpoints["elevenlabs-trunk"].IsReachable);
        Assert.Equal("Rejected", s.Registrations["mango-registration"].Status);
        Assert.Equal(1, s.Totals.RegistrationTransitions["mango-registration"]["Rejected"]);
        Assert.Equal(1, s.Totals.Calls["mango-trunk"].CallsStarted);
        Assert.Equal(1, s.Ami.Reconnects);
    }

    [Fact]
    public void Resync_that_straddles_a_disconnect_is_discarded()
    {
        var store = Synced();
        var ticket = store.BeginResync();

        store.SetAmiConnected(false, "SocketError");

        Assert.False(store.CompleteResync(ticket, TrunkSetup("Rejected")));
        Assert.False(store.Current.Ami.Connected);
        Assert.Equal("SocketError", store.Current.Ami.LastDisconnectReason);
        Assert.True(store.Current.Registrations["mango-registration"].IsRegistered);
    }

    [Fact]
    public void Snapshot_taken_before_a_change_is_not_affected_by_it()
    {
        var store = Synced();
        var before = store.Current;

        store.Apply(new ChannelCreated("1.1", "PJSIP/mango-trunk-00000001", "Up"));

        Assert.Empty(before.Channels);
        Assert.True(store.Current.Version > before.Version);
    }

    [Fact]
    public void Event_names_beyond_the_cap_are_counted_as_other()
    {
        var counts = new AmiEventCounts();
        for (var i = 0; i < AmiEventCounts.MaxNames + 50; i++) counts.Record("E" + i, _time.GetUtcNow());

        var snapshot = counts.Snapshot().ToDictionary();
        Assert.True(snapshot.Count <= AmiEventCounts.MaxNames + 1);
        Assert.Equal(AmiEventCounts.MaxNames + 50, snapshot.Values.Sum());
        Assert.Equal(_time.GetUtcNow(), counts.LastEventAt);
    }
}
