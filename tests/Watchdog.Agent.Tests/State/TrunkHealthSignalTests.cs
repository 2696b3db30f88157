using Microsoft.Extensions.Time.Testing;
using Watchdog.Agent.State;

namespace Watchdog.Agent.Tests.State;

/// <summary>
/// The store wakes trunk watchers (the SIP evidence capture) only when a trunk's health may have changed, so
/// that an idle agent, or one streaming calls and qualify round trips, is not woken for them.
/// </summary>
public class TrunkHealthSignalTests
{
    private const string Client = "sip:mango-user@127.0.0.1:5070";
    private const string Server = "sip:127.0.0.1:5070";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static PbxStateStore Synced()
    {
        var store = new PbxStateStore(new FakeTimeProvider());
        store.SetAmiConnected(true);
        Assert.True(store.CompleteResync(store.BeginResync(), new PbxResyncData(
            [new ResyncRegistration("mango-registration", Client, Server, "mango-trunk", "Registered")],
            [new ResyncEndpoint("mango-trunk", "Not in use", [new ContactState("mango-trunk-aor", "sip:127.0.0.1:5070", "Reachable", 1840)])],
            [], "22.10.1", null)));
        return store;
    }

    [Fact]
    public void Round_trips_channels_and_a_repeated_status_do_not_notify()
    {
        var store = Synced();
        var seen = store.TrunkHealth.Version;

        store.Apply(new ContactStatusChanged("mango-trunk", "mango-trunk-aor", "sip:127.0.0.1:5070", "Reachable", 2100));
        store.Apply(new ChannelCreated("1700000000.1", "PJSIP/mango-trunk-00000001", "Ring"));
        store.Apply(new ChannelStateChanged("1700000000.1", "PJSIP/mango-trunk-00000001", "Up"));
        store.Apply(new RegistrationStatusChanged(Client, Server, "Registered"));

        Assert.Equal(2100, store.Current.Endpoints["mango-trunk"].Contacts["sip:127.0.0.1:5070"].RoundtripUsec);
        Assert.Equal(seen, store.TrunkHealth.Version);
    }

    [Fact]
    public void A_registration_status_a_reachability_change_a_new_endpoint_and_a_resync_each_notify()
    {
        var store = Synced();
        var versions = new List<long> { store.TrunkHealth.Version };

        store.Apply(new RegistrationStatusChanged(Client, Server, "Rejected"));
        versions.Add(store.TrunkHealth.Version);
        store.Apply(new ContactStatusChanged("mango-trunk", "mango-trunk-aor", "sip:127.0.0.1:5070", "Unreachable", null));
        versions.Add(store.TrunkHealth.Version);
        store.Apply(new ContactStatusChanged("elevenlabs-trunk", "elevenlabs-trunk-aor", "sip:127.0.0.1:5080", "Created", null));
        versions.Add(store.TrunkHealth.Version);
        Assert.True(store.CompleteResync(store.BeginResync(), new PbxResyncData([], [], [], null, null)));
        versions.Add(store.TrunkHealth.Version);

        Assert.Equal(versions.Count, versions.Distinct().Count());
    }

    [Fact]
    public async Task A_watcher_waiting_is_woken_by_a_change_and_one_that_looked_before_a_change_does_not_wait()
    {
        var store = Synced();
        var seen = store.TrunkHealth.Version;
        var waiting = store.TrunkHealth.WaitAsync(seen, CancellationToken.None);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        store.Apply(new RegistrationStatusChanged(Client, Server, "Rejected"));
        await waiting.WaitAsync(Bound);

        // Looked at version `seen`, then a change came before it waited: it must not sleep through it.
        Assert.True(store.TrunkHealth.WaitAsync(seen, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task A_waiting_watcher_stops_when_cancelled()
    {
        var store = Synced();
        using var stop = new CancellationTokenSource();
        var waiting = store.TrunkHealth.WaitAsync(store.TrunkHealth.Version, stop.Token);

        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Bound));
    }
}
